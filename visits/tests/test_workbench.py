"""The visits' side of the home page (visits/workbench.py): the VP goes from one plan to the
next, a long week is summed up, and the check-in link waits for its page. Each role's whole
list is tested in kam/tests/test_workbench.py."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from kam.tests.factories import AccountFactory, UserFactory
from visits.models.plans import PlanStatus
from visits.tests.plan_fixtures import JUNE, MAY, TODAY, at, make_office, make_plan
from visits.workbench import WEEK_SHOWN, checkin_url, items

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def office(cast):
    return make_office(cast)


def test_after_approving_a_plan_the_vp_is_offered_the_next_one_waiting(office, client):
    first = make_plan(office.cast.other_kam, JUNE, status=PlanStatus.SUBMITTED, days=[3])
    second = make_plan(office.owner, JUNE, status=PlanStatus.SUBMITTED, days=[4])
    make_plan(office.owner, MAY, status=PlanStatus.APPROVED, days=[5])  # decided long ago
    client.force_login(office.cast.sales_vp)
    page = client.get(reverse("visits:plan_detail", args=[first.pk]))
    assert page.context["next_waiting"] is None  # undecided: the review form, not a way on
    response = client.post(
        reverse("visits:plan_review", args=[first.pk]), {"decision": "approved"}, follow=True
    )
    assert response.context["next_waiting"] == second
    assert reverse("visits:plan_detail", args=[second.pk]) in response.content.decode()
    response = client.post(
        reverse("visits:plan_review", args=[second.pk]), {"decision": "approved"}, follow=True
    )
    assert response.context["next_waiting"] is None
    assert 'id="next-plan"' not in response.content.decode()


def test_the_kam_never_sees_the_way_to_the_next_plan(office, client):
    plan = make_plan(office.owner, MAY, status=PlanStatus.APPROVED, days=[5])
    make_plan(office.cast.other_kam, JUNE, status=PlanStatus.SUBMITTED, days=[3])
    client.force_login(office.owner)
    page = client.get(reverse("visits:plan_detail", args=[plan.pk]))
    assert page.context["next_waiting"] is None


def test_a_full_week_lists_its_first_visits_and_counts_the_rest(office):
    # Wednesday 20 May 2026: Thursday to Sunday hold eight visits on the owner's accounts.
    days = [21, 21, 22, 22, 23, 23, 24, 24]
    plan = make_plan(office.owner, MAY, status=PlanStatus.APPROVED, days=days)
    with translation.override("en"):
        found = items(office.owner, TODAY.date())
    week = [i for i in found if i.section == "this_week"]
    assert week[0].detail.startswith("May 21 Thursday")  # the day, as people say it
    assert len(week) == WEEK_SHOWN + 1
    more = week[-1]
    assert (more.key, more.count) == ("visits-week-more", len(days) - WEEK_SHOWN)
    assert more.url == reverse("visits:plan_detail", args=[plan.pk])
    shown = [line.pk for line in plan.lines.order_by("planned_on", "account__name", "pk")]
    assert [i.key for i in week[:-1]] == [f"visit-{pk}" for pk in shown[:WEEK_SHOWN]]


def test_a_kam_with_no_key_accounts_is_asked_for_no_plan_or_record(db):
    newcomer = UserFactory(role="kam")
    AccountFactory(owner=newcomer, tier="potential")
    assert items(newcomer, dt.date(2026, 5, 20)) == []


def test_the_check_in_link_opens_the_check_in_page_for_the_line(office):
    assert checkin_url(1, 2) == f"{reverse('visits:checkin')}?account=1&line=2"


def test_the_gm_office_sees_no_visits_lines_outside_december(office):
    office_user = UserFactory(role="gm_office")
    with time_machine.travel(at(dt.date(2026, 6, 10)), tick=False):
        lines = items(office_user, dt.date(2026, 6, 10))
    assert [i.key for i in lines] == ["schedule-2026"]  # this year's was never published
