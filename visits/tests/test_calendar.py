"""The calendar page: each member of the cast finds exactly her own items of the hand-made
month (visits/tests/calendar_fixtures.py), marked by state and linked to their pages; the
grid starts on Monday, marks today, holidays and make-up working days; the week view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from lxml import html

from accounts.models import KeyAccount
from kam.roles import Role
from visits.calendar_days import day_of, month_weeks, week_days
from visits.tests.calendar_fixtures import NOW, Month, make_month

pytestmark = pytest.mark.django_db

URL = reverse("visits:calendar")


@pytest.fixture
def month(cast) -> Month:
    with time_machine.travel(NOW, tick=False):
        return make_month(cast)


def page(user, query: str = "month=2026-06"):
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    return html.fromstring(response.content)


def entries(doc) -> dict[str, tuple[str, str]]:
    """uid → (state, link) of every entry on the page."""
    return {
        li.get("data-uid"): (li.get("data-state"), li.find("a").get("href"))
        for li in doc.xpath("//li[@data-uid]")
    }


def uid(kind: str, obj) -> str:
    return f"{kind}-{obj.pk}"


def test_the_kam_sees_her_lines_visits_and_the_executive_visits_to_her_accounts(month):
    found = entries(page(month.cast.owner))
    assert found == {
        uid("visit", month.visit): ("done", reverse("visits:visit_detail", args=[month.visit.pk])),
        uid("visit", month.unplanned): (
            "done",
            reverse("visits:visit_detail", args=[month.unplanned.pk]),
        ),
        # The 3 June line is not there: its visit stands in its place.
        uid("plan-line", month.missed_line): (
            "not_recorded",
            reverse("visits:plan_detail", args=[month.june.pk]),
        ),
        uid("plan-line", month.later_line): (
            "approved",
            reverse("visits:plan_detail", args=[month.june.pk]),
        ),
        # The manager visited the account on 8 June: his item is done, and links to that visit.
        uid("scheduled-visit", month.manager_item): (
            "done",
            reverse("visits:visit_detail", args=[month.manager_visit.pk]),
        ),
        uid("scheduled-visit", month.tech_item): (
            "open",
            reverse("accounts:detail", args=[month.office.accounts[0].pk]),
        ),
    }


def test_a_draft_plan_shows_as_draft_and_the_other_kams_items_never(month):
    found = entries(page(month.cast.owner, "month=2026-07"))
    assert found == {
        uid("plan-line", month.july_line): (
            "draft",
            reverse("visits:plan_detail", args=[month.july.pk]),
        )
    }
    other = entries(page(month.cast.other_kam))
    assert set(other) == {
        uid("visit", month.other_visit),
        uid("plan-line", month.other_line),
    }
    # The GM's July visit to her account, as an executive visit.
    other_july = entries(page(month.cast.other_kam, "month=2026-07"))
    assert other_july == {
        uid("scheduled-visit", month.gm_item): (
            "open",
            reverse("accounts:detail", args=[month.office.other_account.pk]),
        )
    }


def test_a_manager_sees_his_own_visit_and_schedule_not_his_teams(month):
    found = entries(page(month.cast.manager))
    assert found == {
        uid("visit", month.manager_visit): (
            "done",
            reverse("visits:visit_detail", args=[month.manager_visit.pk]),
        ),
        uid("scheduled-visit", month.manager_item): (
            "done",
            reverse("visits:visit_detail", args=[month.manager_visit.pk]),
        ),
    }
    # The draft 2027 schedule is nobody's plan yet.
    assert entries(page(month.cast.manager, "month=2027-01")) == {}


def test_executives_see_their_own_items_linked_where_they_may_go(month):
    tech = entries(page(month.tech_vp))
    assert tech == {
        uid("scheduled-visit", month.tech_item): (
            "open",
            reverse("visits:my_schedule") + "?year=2026&show=all",
        )
    }
    # The GM also edits the schedule: his item opens the item's page.
    gm = entries(page(month.cast.gm, "month=2026-07"))
    assert gm == {
        uid("scheduled-visit", month.gm_item): (
            "open",
            reverse("visits:schedule_item", args=[month.gm_item.pk]),
        )
    }
    assert entries(page(month.cast.gm)) == {}
    assert entries(page(month.cast.sales_vp)) == {}


def test_the_gm_office_reads_the_months_schedule_per_person(month):
    doc = page(month.gm_office)
    assert entries(doc) == {}
    links = {a.get("data-visitor"): a.get("href") for a in doc.xpath("//*[@id='cal-load']//a")}
    year = reverse("visits:schedule_year", args=[2026])
    assert links == {
        str(month.cast.manager.pk): f"{year}?visitor={month.cast.manager.pk}&month=6",
        str(month.tech_vp.pk): f"{year}?visitor={month.tech_vp.pk}&month=6",
    }
    assert not page(month.cast.owner).xpath("//*[@id='cal-load']")


def test_an_account_given_to_a_colleague_leaves_her_plan_and_schedule(month):
    KeyAccount.objects.filter(pk=month.office.accounts[0].pk).update(owner=month.cast.other_kam)
    found = entries(page(month.cast.owner))
    # Her visit there stays (she made it); the plan line and executive visits go.
    assert uid("visit", month.visit) in found
    assert uid("scheduled-visit", month.tech_item) not in found
    assert uid("scheduled-visit", month.manager_item) not in found
    assert uid("plan-line", month.missed_line) in found  # the 10th is to her second account
    third = KeyAccount.objects.filter(pk=month.later_line.account_id)
    third.update(owner=month.cast.other_kam)
    assert uid("plan-line", month.later_line) not in entries(page(month.cast.owner))


def test_the_month_grid_runs_monday_to_sunday_and_marks_today_and_holidays(month):
    doc = page(month.cast.owner)
    days = [li.get("data-date") for li in doc.xpath("//li[@data-date]")]
    assert days[0] == "2026-06-01" and days[-1] == "2026-07-05"  # June 1st 2026 is a Monday
    assert len(days) == 35
    today = doc.xpath("//li[@data-date and contains(@class, 'is-today')]")
    assert [li.get("data-date") for li in today] == ["2026-06-20"]
    assert today[0].get("aria-current") == "date"
    holiday = doc.xpath("//li[@data-date='2026-06-19']//*[@data-holiday]")
    assert holiday, "the Dragon Boat Festival is marked"
    assert not doc.xpath("//li[@data-date='2026-06-18']//*[@data-holiday]")
    july = page(month.cast.owner, "month=2026-07")
    first = july.xpath("//li[@data-date]")[0]
    assert first.get("data-date") == "2026-06-29" and "is-outside" in first.get("class")


def test_make_up_working_days_are_marked(month):
    doc = page(month.cast.owner, "month=2026-02")
    marked = {li.get("data-date") for li in doc.xpath("//li[@data-date][.//*[@data-makeup]]")}
    assert "2026-02-14" in marked  # a Saturday worked before the Spring Festival
    assert "2026-02-07" not in marked


def test_the_week_view_lists_seven_days_from_monday(month):
    doc = page(month.cast.owner, "view=week&date=2026-06-10")
    days = [li.get("data-date") for li in doc.xpath("//li[@data-date]")]
    assert days == [f"2026-06-{d:02d}" for d in range(8, 15)]
    assert set(entries(doc)) == {
        uid("plan-line", month.missed_line),
        uid("visit", month.unplanned),
        uid("scheduled-visit", month.manager_item),
        uid("scheduled-visit", month.tech_item),
    }
    assert doc.get_element_by_id("cal-prev").get("href") == "?view=week&date=2026-06-01"
    assert doc.get_element_by_id("cal-next").get("href") == "?view=week&date=2026-06-15"
    assert doc.get_element_by_id("cal-view-month").get("href") == "?month=2026-06"


def test_navigation_and_bad_query_strings(month):
    doc = page(month.cast.owner, "month=2026-06")
    assert doc.get_element_by_id("cal-prev").get("href") == "?month=2026-05"
    assert doc.get_element_by_id("cal-next").get("href") == "?month=2026-07"
    assert doc.get_element_by_id("cal-view-week").get("href") == "?view=week&date=2026-06-20"
    assert doc.xpath("//*[@id='cal-subscribe']")
    # Nonsense falls back to today's month or week instead of failing.
    assert page(month.cast.owner, "month=2026-13").xpath("//li[@aria-current='date']")
    week = page(month.cast.owner, "view=week&date=June")
    assert week.xpath("//li[@data-date]")[0].get("data-date") == "2026-06-15"
    assert not page(month.gm_office).xpath("//*[@id='cal-subscribe']")


def test_the_my_visits_page_links_to_the_calendar(month):
    client = Client()
    client.force_login(month.cast.owner)
    with time_machine.travel(NOW, tick=False):
        doc = html.fromstring(client.get(reverse("visits:my_record")).content)
    assert doc.get_element_by_id("calendar-link").get("href") == URL + "?month=2026-06"


# The days, pure -----------------------------------------------------------------------------


def test_weeks_start_on_monday_and_cover_the_month():
    for first in (dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2027, 2, 1)):
        weeks = month_weeks(first)
        assert all(len(w) == 7 and w[0].date.weekday() == 0 for w in weeks)
        inside = [d.date for w in weeks for d in w if d.in_month]
        assert inside[0] == first and inside[-1].month == first.month
        assert len(inside) == len({d.date for w in weeks for d in w if d.in_month})
    assert len(month_weeks(dt.date(2027, 2, 1))) == 4  # Feb 2027 starts on a Monday
    assert [d.date.day for d in week_days(dt.date(2026, 6, 14))] == list(range(8, 15))


def test_holiday_names_and_years_without_data():
    national = day_of(dt.date(2026, 10, 1))
    assert national.holiday and national.is_day_off
    assert day_of(dt.date(2026, 2, 14)).is_makeup
    saturday = day_of(dt.date(2026, 6, 13))
    assert saturday.is_day_off and not saturday.holiday and not saturday.is_makeup
    # A year the package does not know: nothing is marked, weekends are still days off.
    far = day_of(dt.date(2099, 10, 1))
    assert far.holiday == "" and not far.is_makeup and not far.is_day_off


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_roles_without_visits_are_refused(cast, role):
    cast.staff.role = role
    cast.staff.save()
    client = Client()
    client.force_login(cast.staff)
    assert client.get(URL).status_code == 403


def test_a_long_schedule_shows_its_first_items_and_says_how_many_more(month):
    """An executive may have thousands of scheduled visits a month: the calendar lists the
    first and counts the rest, with the way to all of them; a KAM still sees every one."""
    from visits.models import ScheduledVisit
    from visits.views.calendar import SCHEDULED_SHOWN

    item = month.tech_item
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(name=f"日程客户{i:03d}有限公司", owner=month.cast.owner, tier="strategic")
        for i in range(SCHEDULED_SHOWN + 5)
    )
    ScheduledVisit.objects.bulk_create(
        ScheduledVisit(
            schedule=item.schedule,
            account=a,
            visitor=item.visitor,
            visitor_role=item.visitor_role,
            month=item.month,
        )
        for a in accounts
    )
    doc = page(month.tech_vp)
    shown = doc.xpath("//li[@data-kind='scheduled']")
    assert len(shown) == SCHEDULED_SHOWN
    more = doc.get_element_by_id("cal-scheduled-more")
    assert re.findall(r"\d+", more.text_content()) == ["6"]  # 46 in all: 40 shown, 6 more
    assert more.find("a").get("href").startswith(reverse("visits:my_schedule"))
    kam = page(month.cast.owner)
    assert len(kam.xpath("//li[@data-kind='scheduled']")) > SCHEDULED_SHOWN
    assert not kam.xpath("//*[@id='cal-scheduled-more']")
