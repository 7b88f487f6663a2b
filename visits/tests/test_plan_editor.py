"""The plan editor puts the KAM's own obligations for the month first and her sales manager's
and the executives' below, folded in a <details> that opens without JavaScript."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from kam.periods import month_label
from visits.services import plans as services
from visits.tests.plan_fixtures import SH, make_office

pytestmark = pytest.mark.django_db

NOV_20 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH)
DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def page(client, cast):
    with time_machine.travel(NOV_20, tick=False):
        office = make_office(cast)
        plan = services.plan_start(kam=office.owner, month=DECEMBER, by=office.owner)
        client.force_login(office.owner)
        with translation.override("en"):
            url = reverse("visits:plan_detail", args=[plan.pk])
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return office, response


def test_own_obligations_first_and_the_others_folded_below(page):
    office, response = page
    html = response.content.decode()
    own_at = html.index('id="needs"')
    others_at = html.index('id="others-needs"')
    assert own_at < others_at
    # Folded: a <details> without the open attribute.
    assert re.search(r'<details class="[^"]*" id="others-needs">', html)
    own, others = html[own_at:others_at], html[others_at : html.index("</details>", others_at)]
    # December: the KAM's own year-end card sits with her visits ...
    assert "Calendar and greeting card" in own
    assert "Calendar and greeting card" not in others
    # ... and the sales manager's and the executives' visits only in the folded part.
    for role in ("Sales manager", "Sales VP", "General manager"):
        assert role in others
        assert role not in own
    for account in office.accounts:
        assert f'data-others="{account.pk}"' in others


def test_the_month_being_planned_is_named_as_people_say_it(page):
    _office, response = page
    with translation.override("en"):
        assert month_label(DECEMBER) in response.content.decode()


def test_the_needs_keep_own_and_others_apart(page):
    _office, response = page
    needs = response.context["needs"]
    assert all(n.own_notes and n.notes for n in needs)
    assert all("Calendar" not in note for n in needs for note in n.notes)
