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


# Every list filter of a page is read through a form (visits/forms/lists.py, accounts.forms):
# a value that does not parse leaves that filter at its default.


def test_the_calendar_reads_its_view_through_a_form(client, cast):
    client.force_login(cast.owner)
    url = reverse("visits:calendar")
    week = client.get(url, {"view": "week", "date": "2026-06-03"})
    assert (week.context["view"], week.context["anchor"]) == ("week", dt.date(2026, 6, 3))
    junk = client.get(url, {"view": "fortnight", "month": "2026-13", "date": "x"})
    assert junk.status_code == 200
    assert (junk.context["view"], junk.context["anchor"]) == ("month", this_month())


def test_my_scheduled_visits_read_year_and_show_through_a_form(client, cast):
    client.force_login(cast.sales_vp)
    url = reverse("visits:my_schedule")
    for year in ("99999", "1900", "abc", ""):
        page = client.get(url, {"year": year, "show": "everything"})
        assert page.status_code == 200
        assert (page.context["year"], page.context["show_all"]) == (this_month().year, False)
    assert client.get(url, {"year": "2027", "show": "all"}).context["show_all"] is True


def test_the_compliance_period_is_read_through_a_form(client, cast):
    client.force_login(cast.sales_vp)
    url = reverse("visits:compliance")
    asked = client.get(url, {"p": "2026-Q1"}, follow=True)
    assert str(asked.context["period"].start) == "2026-01-01"
    junk = client.get(url, {"p": "2026-Q9\x00"}, follow=True)
    assert junk.context["period"].start == this_month()


def test_name_searches_strip_control_characters(client, cast):
    client.force_login(cast.owner)
    found = client.get(reverse("accounts:lookup"), {"q": cast.account.name[:4] + "\x07"})
    assert found.status_code == 200 and cast.account.name in found.content.decode()


def test_no_view_reads_a_filter_from_the_query_string_by_hand():
    """Filters go through forms; what views may still read directly is a page number and the
    preselection of a form (an account, a plan line, a leaver, a contract)."""
    import re
    from pathlib import Path

    allowed = {"page", "account", "line", "leaver", "contract"}
    root = Path(__file__).resolve().parents[2]
    found = set()
    for path in root.glob("*/views*/**/*.py"):
        if ".venv" in path.parts:
            continue
        for name in re.findall(r"request\.GET\.get\(\s*[\"'](\w+)[\"']", path.read_text()):
            if name not in allowed:
                found.add(f"{path.relative_to(root)}: {name}")
    for path in root.glob("*/views.py"):
        for name in re.findall(r"request\.GET\.get\(\s*[\"'](\w+)[\"']", path.read_text()):
            if name not in allowed:
                found.add(f"{path.relative_to(root)}: {name}")
    assert found == set()
