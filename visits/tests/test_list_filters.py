"""The plan, record and spot-check lists read their filters through forms: a filter the user
is not offered, or a value that does not parse, is left off rather than narrowing the list
to nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from visits.months import add_months, this_month
from visits.tests.plan_fixtures import make_plan

pytestmark = pytest.mark.django_db


def _kams(response) -> list[str]:
    return [p.kam.username for p in response.context["page"]]


def test_a_manager_is_not_offered_the_team_filter_and_it_does_not_apply(client, cast):
    make_plan(cast.owner, dt.date(2026, 5, 1))
    make_plan(cast.other_kam, dt.date(2026, 5, 1))
    client.force_login(cast.manager)
    other_team = cast.other_kam.team_id
    response = client.get(reverse("visits:plans"), {"team": other_team})
    assert list(response.context["teams"]) == []
    assert response.context["team"] is None
    assert _kams(response) == ["owner"]


def test_the_sales_vp_narrows_plans_to_a_team(client, cast):
    make_plan(cast.owner, dt.date(2026, 5, 1))
    make_plan(cast.other_kam, dt.date(2026, 5, 1))
    client.force_login(cast.sales_vp)
    response = client.get(reverse("visits:plans"), {"team": cast.other_kam.team_id})
    assert sorted(t.name for t in response.context["teams"]) == ["华东组", "华北组"]
    assert _kams(response) == ["otherkam"]
    everything = client.get(reverse("visits:plans"), {"team": "华北", "month": "2026-13"})
    assert sorted(_kams(everything)) == ["otherkam", "owner"]
    assert everything.context["month"] is None


def test_records_take_the_same_filters(client, cast):
    client.force_login(cast.sales_vp)
    response = client.get(reverse("visits:records"), {"status": "nonsense", "month": "2026-05"})
    assert response.status_code == 200
    assert response.context["status"] == ""
    assert response.context["month"] == dt.date(2026, 5, 1)


def test_a_bad_month_on_the_spot_check_list_shows_last_month(client, cast):
    client.force_login(cast.manager)
    response = client.get(reverse("visits:spot_checks"), {"month": "May"})
    assert response.context["month"] == add_months(this_month(), -1)
