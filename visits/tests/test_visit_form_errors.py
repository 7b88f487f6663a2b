"""A visit form that fails always says why: sent twice, its plan line is taken (§14.2)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from visits.models import Visit
from visits.models.plans import PlanStatus
from visits.tests.plan_fixtures import at, make_office, make_plan

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)
EN = {"accept-language": "en"}


@pytest.fixture
def office(cast):
    with time_machine.travel(at(dt.date(2026, 6, 10)), tick=False):
        office = make_office(cast)
        office.plan = make_plan(cast.owner, JUNE, status=PlanStatus.APPROVED, days=[10])
        yield office


def test_the_same_visit_form_sent_twice_says_the_line_is_taken(office, client):
    """Before: the second post failed on the hidden plan-line field, whose error no page
    showed — the form came back unchanged, as if the click had been ignored."""
    line = office.plan.lines.get()
    account = line.account
    client.force_login(office.owner)
    url = f"{reverse('visits:visit_new')}?account={account.pk}&line={line.pk}"
    form = {
        "visited_on": "2026-06-10",
        "time_in": "09:30",
        "time_out": "11:00",
        "contacts": [str(office.contacts[account.pk].pk)],
        "purposes": ["relationship"],
        "outcome": "确认三季度订单",
        "plan_line": str(line.pk),
        "change_reason": "",
    }
    assert client.post(url, form, headers=EN).status_code == 302

    again = client.post(url, form, headers=EN)

    assert again.status_code == 200
    assert Visit.objects.filter(plan_line=line).count() == 1
    html = again.content.decode()
    assert "already been recorded" in html
    assert 'class="alert alert-danger"' in html
