"""The home page's to-do list (工作台), role by role, on a hand-made company
(kam/tests/workbench_world.py): each role gets exactly the lines its data calls for, with their
counts, links, urgency and deadlines, and nothing else; the page costs the same number of
queries with ten times the data."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from kam.roles import Role
from kam.tests.factories import UserFactory
from kam.tests.workbench_world import World, build, grow
from visits import rules
from visits.models import ExecutiveSchedule, ScheduledVisit, Visit, VisitRecord
from visits.models.choices import VisitKind
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.services.records import record_due_on
from visits.tally import tally_rebuild
from visits.tests.plan_fixtures import at, make_office
from visits.workbench import checkin_url, visit_url

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 5, 20)  # a Wednesday: the week runs to Sunday the 24th
MAY_DEADLINE = rules.working_day_on_or_before(D(2026, 5, 31))  # Friday the 29th
JUNE_PLAN_DUE = D(2026, 5, 25)


@pytest.fixture
def world():
    with time_machine.travel(at(TODAY), tick=False):
        yield build(TODAY)


def todo(client, user) -> list[tuple]:
    """(section, key, count, url, urgency, due_on, actions) of every line, sorted by section
    and key: the order of lines within a section is the page's business, not the test's."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    rows = [
        (
            section.key,
            item.key,
            item.count,
            item.url,
            item.urgency,
            item.due_on,
            tuple((a.key, a.url) for a in item.actions),
        )
        for section, items in response.context["workbench"]
        for item in items
    ]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def expected(*rows) -> list[tuple]:
    return sorted(rows, key=lambda r: (r[0], r[1]))


def visit_actions(account, line) -> tuple:
    """签到 first (she is at the customer), then 登记拜访."""
    return (
        ("checkin", checkin_url(account.pk, line.pk)),
        ("record", visit_url(account.pk, line.pk)),
    )


def schedule_url() -> str:
    return f"{reverse('visits:my_schedule')}?year=2026"


# Each role's list ----------------------------------------------------------------------------


def test_the_kam_gets_her_visits_record_plan_loans_reviews_and_late_complaint(client, world):
    w = world
    today_a, week_c = w.lines["today_a"], w.lines["week_c"]
    april = D(2026, 4, 1)
    assert todo(client, w.owner) == expected(
        (
            "overdue",
            "complaints-overdue",
            1,
            reverse("complaints:detail", args=[w.a.pk, w.complaints["late"].pk]),
            "overdue",
            TODAY - dt.timedelta(days=1),
            (),
        ),
        ("overdue", "reviews-overdue", 2, reverse("accounts:reviews_overdue"), "overdue", None, ()),
        (
            "overdue",
            "record-2026-04",
            None,
            f"{reverse('visits:my_record')}?month=2026-04",
            "overdue",
            record_due_on(april),
            (),
        ),
        # A and B are planned today, B is already recorded; C's line today was removed.
        (
            "today",
            f"visit-{today_a.pk}",
            None,
            visit_url(w.a.pk, today_a.pk),
            "soon",
            None,
            visit_actions(w.a, today_a),
        ),
        (
            "this_week",
            f"visit-{week_c.pk}",
            None,
            visit_url(w.c.pk, week_c.pk),
            "normal",
            None,
            visit_actions(w.c, week_c),
        ),
        # Her monthly visit: B got it today, A and C not yet.
        (
            "this_month",
            "visits-owed",
            2,
            reverse("visits:compliance_kam", args=[w.owner.pk]) + "?p=2026-05",
            "normal",
            MAY_DEADLINE,
            (),
        ),
        (
            "this_month",
            "plan-2026-06",
            None,
            reverse("visits:plan_detail", args=[w.plans["owner_next"].pk]),
            "normal",
            JUNE_PLAN_DUE,
            (),
        ),
        ("decide", "loans-to-decide", 1, reverse("accounts:loans"), "soon", None, ()),
    )


def test_the_sales_manager_gets_reviews_spot_checks_team_plans_and_her_scheduled_visits(
    client, world
):
    w = world
    assert todo(client, w.cast.manager) == expected(
        ("overdue", "scheduled-missed", 1, schedule_url(), "overdue", None, ()),
        # Four visits of the team last month: a sample of three calls, not drawn yet.
        (
            "this_month",
            "spot-checks",
            3,
            f"{reverse('visits:spot_checks')}?month=2026-04",
            "normal",
            None,
            (),
        ),
        # The owner's June plan is a draft; the teammate's is submitted.
        (
            "this_month",
            "team-plans",
            1,
            f"{reverse('visits:plans')}?month=2026-06",
            "normal",
            JUNE_PLAN_DUE,
            (),
        ),
        ("this_month", "scheduled-this-month", 1, schedule_url(), "normal", MAY_DEADLINE, ()),
        (
            "decide",
            "records-to-review",
            1,
            reverse("visits:record_detail", args=[w.records["teammate"].pk]),
            "soon",
            None,
            (),
        ),
        ("watch", "reviews-overdue", 2, reverse("accounts:reviews_overdue"), "info", None, ()),
    )


def test_the_sales_vp_gets_plans_appraisal_tiers_receivables_and_her_visits(client, world):
    w = world
    scored = w.periods["scored"]
    tiers = f"{reverse('analysis:tiers')}?{urlencode({'start': '2025-01-01', 'end': '2025-12-31'})}"
    assert todo(client, w.cast.sales_vp) == expected(
        (
            "overdue",
            f"finalise-{scored.pk}",
            None,
            reverse("appraisal:overview", args=[scored.pk]),
            "overdue",
            D(2026, 3, 31),
            (),
        ),
        ("this_month", "scheduled-this-month", 1, schedule_url(), "normal", MAY_DEADLINE, ()),
        # The first plan waiting opens; its page leads to the next.
        (
            "decide",
            "plans-to-review",
            2,
            reverse("visits:plan_detail", args=[w.plans["other_next"].pk]),
            "soon",
            None,
            (),
        ),
        ("decide", f"tier-review-{w.review.pk}", 2, tiers, "soon", None, ()),
        # A alone, and X with two invoices, owe more than 100,000 yuan overdue; C less.
        (
            "watch",
            "receivables-overdue",
            2,
            f"{reverse('receivables:report')}#top-overdue",
            "overdue",
            None,
            (),
        ),
        ("watch", "reviews-overdue", 3, reverse("accounts:reviews_overdue"), "info", None, ()),
    )


def test_the_gm_keeps_an_eye_on_reviews(client, world):
    assert todo(client, world.cast.gm) == [
        ("watch", "reviews-overdue", 3, reverse("accounts:reviews_overdue"), "info", None, ())
    ]


def test_the_administrator_gets_periods_to_score_and_missing_targets(client, world):
    w = world
    last_year, current = w.periods["last_year"], w.periods["current"]
    targets = reverse("appraisal:targets", args=[current.pk])
    assert todo(client, w.cast.admin) == expected(
        (
            "overdue",
            f"score-{last_year.pk}",
            None,
            reverse("appraisal:overview", args=[last_year.pk]),
            "overdue",
            D(2026, 1, 14),
            (),
        ),
        # The teammate's target row is empty; the other team's KAM has none.
        (
            "this_month",
            "targets-missing",
            2,
            targets,
            "normal",
            None,
            (("import", f"{targets}#targets-import"),),
        ),
        ("watch", "reviews-overdue", 3, reverse("accounts:reviews_overdue"), "info", None, ()),
    )


def test_other_departments_report_matters_and_follow_their_loans(client, world):
    assert todo(client, world.cast.staff) == expected(
        ("", "report-matter", None, reverse("accounts:lookup"), "info", None, ()),
        ("watch", "my-loan-requests", 1, f"{reverse('accounts:loans')}#my-loans", "info", None, ()),
    )


def test_nothing_to_do_is_said_so(client, world):
    for user in (world.tech_vp, world.gm_office):
        assert todo(client, user) == []
    client.force_login(world.tech_vp)
    assert 'id="nothing-to-do"' in client.get(reverse("home")).content.decode()


# Variations of the KAM's list ------------------------------------------------------------------


def test_a_returned_plan_replaces_the_plan_to_submit(client, world):
    plan = world.plans["owner_next"]
    plan.status, plan.comment = PlanStatus.RETURNED, "6月请补上江阴华润"
    plan.save()
    rows = {r[1]: r for r in todo(client, world.owner)}
    assert "plan-2026-06" not in rows
    assert rows[f"plan-returned-{plan.pk}"] == (
        "today",
        f"plan-returned-{plan.pk}",
        None,
        reverse("visits:plan_detail", args=[plan.pk]),
        "soon",
        None,
        (),
    )


def test_once_last_months_record_is_in_this_months_is_the_one_due(client, world):
    VisitRecord.objects.create(
        kam=world.owner,
        month=D(2026, 4, 1),
        due_on=record_due_on(D(2026, 4, 1)),
        status=RecordStatus.SUBMITTED,
    )
    rows = {r[1]: r for r in todo(client, world.owner)}
    assert "record-2026-04" not in rows
    assert rows["record-2026-05"][4:6] == ("normal", D(2026, 6, 5))


# The GM office and the festivals -------------------------------------------------------------


def test_the_gm_office_sets_next_years_schedule_in_december(client, cast):
    office = UserFactory(role=Role.GM_OFFICE)
    with time_machine.travel(at(D(2026, 12, 10)), tick=False):
        ExecutiveSchedule.objects.create(year=2026, created_by=office, published_at=at(TODAY))
        draft = ExecutiveSchedule.objects.create(year=2027, created_by=office)
        for month in (3, 6):
            ScheduledVisit.objects.create(
                schedule=draft,
                account=cast.account,
                visitor=cast.gm,
                visitor_role=Role.GM,
                month=D(2027, month, 1),
            )
        url = reverse("visits:schedule_year", args=[2027])
        assert todo(client, office) == [
            ("this_month", "schedule-2027", None, url, "normal", D(2026, 12, 31), ())
        ]
        draft.published_at = at(D(2026, 12, 10))
        draft.save()
        assert todo(client, office) == [
            ("this_month", "schedule-2027", None, url, "info", None, ())
        ]
    with time_machine.travel(at(D(2027, 1, 4)), tick=False):
        assert todo(client, office) == []  # in force, nothing to do in January


def test_an_unpublished_schedule_for_this_year_is_overdue(client, cast):
    office = UserFactory(role=Role.GM_OFFICE)
    with time_machine.travel(at(D(2026, 3, 2)), tick=False):
        assert todo(client, office) == [
            (
                "overdue",
                "schedule-2026",
                None,
                reverse("visits:schedule_year", args=[2026]),
                "overdue",
                D(2025, 12, 31),
                (),
            )
        ]


def test_executives_see_the_festival_greetings_still_owed_while_the_window_is_open(client, cast):
    office = make_office(cast)  # four key accounts: the owner's three and one of another team
    tech_vp = UserFactory(role=Role.TECH_VP)
    mid_autumn = D(2026, 9, 25)
    due = rules.working_day_on_or_before(mid_autumn)
    with time_machine.travel(at(D(2026, 9, 21)), tick=False):
        Visit.objects.create(
            account=office.accounts[0],
            visitor=cast.gm,
            visitor_role=Role.GM,
            kind=VisitKind.FESTIVAL,
            visited_on=D(2026, 9, 20),
        )
        tally_rebuild(today=D(2026, 9, 21))
        compliance = f"{reverse('visits:compliance')}?p=2026-09"
        assert todo(client, cast.gm) == expected(
            ("this_week", "festival", 3, compliance, "soon", due, ()),
            ("watch", "reviews-overdue", 4, reverse("accounts:reviews_overdue"), "info", None, ()),
        )
        # The technical VP has no dashboard: the line opens the visit form.
        assert todo(client, tech_vp) == [
            ("this_week", "festival", 3, reverse("visits:visit_new"), "soon", due, ())
        ]
    with time_machine.travel(at(D(2026, 9, 28)), tick=False):
        assert todo(client, tech_vp) == []  # the window has closed


# The page ------------------------------------------------------------------------------------


def test_sections_come_in_their_order_and_lines_carry_their_due_state(client, world):
    client.force_login(world.owner)
    response = client.get(reverse("home"))
    keys = [section.key for section, _items in response.context["workbench"]]
    assert keys == ["overdue", "today", "this_week", "this_month", "decide"]
    html = response.content.decode()
    assert 'data-item="record-2026-04"' in html and 'data-due="overdue"' in html
    record = visit_url(world.a.pk, world.lines["today_a"].pk)
    assert f'href="{record}" data-action="record"' in html.replace("&amp;", "&")


ROLES = ["owner", "manager", "sales_vp", "gm", "admin", "staff", "tech_vp", "gm_office"]


def _home_queries(client, world: World) -> dict[str, int]:
    people = {**world.cast.by_name(), "tech_vp": world.tech_vp, "gm_office": world.gm_office}
    counts = {}
    for role in ROLES:
        client.force_login(people[role])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        counts[role] = len(queries)
    return counts


def test_the_home_page_costs_the_same_with_ten_times_the_data(client, world):
    with time_machine.travel(at(TODAY), tick=False):
        small = _home_queries(client, world)
        grow(world, 20)  # 60 more accounts, visits, invoices, complaints, loans, …
        large = _home_queries(client, world)
    assert large == small
    # With the session's own reads and writes (5): the KAM's list reads the most.
    assert max(large.values()) <= 20, large
