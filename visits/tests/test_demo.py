"""The demo's visits (visits/demo/) on PostgreSQL: a believable shape, written as the services
would write it, on two different "todays"; and three years of visits with --scale."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db.models import F, Max, Q

from accounts.models import KeyAccount, TimelineEntry
from accounts.models.archive import Status, Tier
from kam.demo import build_demo
from kam.roles import Role
from visits.models import (
    ExecutiveSchedule,
    ItineraryChange,
    PlanLine,
    PlanTransition,
    SpotCheck,
    Visit,
    VisitPlan,
    VisitRecord,
)
from visits.models.choices import VisitKind
from visits.models.plans import LineReview, PlanStatus
from visits.models.records import RecordStatus, SpotResult
from visits.months import add_months
from visits.selectors.schedule import with_done
from visits.services.plans import plan_due_on
from visits.services.records import hours_between, record_due_on
from visits.tests.plan_fixtures import SH

pytestmark = pytest.mark.django_db

EXECUTIVE_ROLES = {Role.SALES_MANAGER, Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM}


@pytest.fixture(
    params=[
        dt.datetime(2026, 11, 27, 10, tzinfo=SH),  # late in the year, next month due already
        dt.datetime(2027, 2, 3, 10, tzinfo=SH),  # early in a year the holiday package lacks
    ],
    ids=["november", "february"],
)
def demo(request):
    with time_machine.travel(request.param, tick=False):
        build_demo()
        yield request.param.date()


def test_plans_approved_returned_and_drafts(demo):
    this_month = demo.replace(day=1)
    next_month = add_months(this_month, 1)
    past = VisitPlan.objects.filter(month__lte=this_month)
    assert past.exists() and not past.exclude(status=PlanStatus.APPROVED).exists()
    upcoming = Counter(VisitPlan.objects.filter(month=next_month).values_list("status", flat=True))
    assert upcoming[PlanStatus.RETURNED] >= 1
    assert upcoming[PlanStatus.DRAFT] >= 1 and upcoming[PlanStatus.SUBMITTED] >= 1
    assert PlanTransition.objects.filter(to_status=PlanStatus.RETURNED).exclude(comment="").exists()
    for plan in VisitPlan.objects.prefetch_related("transitions"):
        assert plan.due_on == plan_due_on(plan.month)
        steps = list(plan.transitions.all())
        assert plan.status == (steps[-1].to_status if steps else PlanStatus.DRAFT)
        if steps:
            assert steps[0].from_status == PlanStatus.DRAFT
            assert plan.submitted_at == steps[0].at <= dt.datetime.combine(demo, dt.time(10), SH)
            assert plan.is_late == (plan.submitted_at.astimezone(SH).date() > plan.due_on)
        for a, b in zip(steps, steps[1:], strict=False):
            assert a.to_status == b.from_status and a.at <= b.at
    # More than a few months of them
    assert VisitPlan.objects.values("month").distinct().count() >= 8


def test_visits_mostly_follow_the_plan_with_gaps(demo):
    kam_visits = Visit.objects.filter(visitor_role=Role.KAM, kind=VisitKind.VISIT)
    planned = kam_visits.filter(plan_line__isnull=False)
    unplanned = kam_visits.filter(plan_line__isnull=True)
    assert planned.count() > 5 * unplanned.count() > 0
    lines = PlanLine.objects.filter(planned_on__lt=demo.replace(day=1))
    kept = lines.filter(visits__isnull=False).distinct().count()
    assert 0.7 < kept / lines.count() < 0.97  # believable: most kept, some missed
    reviewed = PlanLine.objects.exclude(review=LineReview.PENDING)
    reviews = Counter(reviewed.values_list("review", flat=True))
    assert set(reviews) == {LineReview.AS_PLANNED, LineReview.RESCHEDULED, LineReview.MISSED}
    for line in reviewed.filter(review=LineReview.MISSED)[:20]:
        assert not line.visits.exists()
    # A rescheduled visit is an itinerary change on both the plan line and the visit.
    moved = planned.exclude(visited_on=F("plan_line__planned_on"))
    assert moved.exists()
    assert set(moved.values_list("pk", flat=True)) == set(
        ItineraryChange.objects.values_list("visit", flat=True)
    )
    assert not Visit.objects.filter(visited_on__gt=demo).exists()


def test_visits_are_written_as_the_service_writes_them(demo):
    for visit in Visit.objects.select_related("visitor", "record")[:400]:
        assert visit.visitor_role == visit.visitor.role
        if visit.time_in:
            assert visit.hours == hours_between(visit.time_in, visit.time_out)
        if visit.visitor_role == Role.KAM:
            assert visit.record.kam_id == visit.visitor_id
            assert visit.record.month == visit.visited_on.replace(day=1)
        else:
            assert visit.record is None
    assert Visit.history.count() == Visit.objects.count()
    assert TimelineEntry.objects.filter(kind="visit").count() == Visit.objects.count()
    assert Visit.contacts.through.objects.count() > 0.9 * Visit.objects.count()


def test_records_on_time_late_and_missing(demo):
    last_closed = add_months(demo.replace(day=1), -1)
    records = VisitRecord.objects.all()
    for record in records:
        assert record.due_on == record_due_on(record.month)
        if record.submitted_at:
            late = record.submitted_at.astimezone(SH).date() > record.due_on
            assert record.is_late == late
    assert records.filter(is_late=True).exists()
    assert records.filter(is_late=False, status=RecordStatus.REVIEWED).exists()
    overdue = records.filter(status=RecordStatus.OPEN, month__lt=demo.replace(day=1))
    if record_due_on(last_closed) < demo:
        assert overdue.filter(due_on__lt=demo).exists()  # one KAM has not sent hers


def test_spot_checks_of_every_result(demo):
    results = Counter(SpotCheck.objects.values_list("result", flat=True))
    assert set(results) == {
        SpotResult.PENDING,
        SpotResult.CONFIRMED,
        SpotResult.NOT_CONFIRMED,
        SpotResult.UNREACHABLE,
    }
    assert results[SpotResult.CONFIRMED] > results[SpotResult.NOT_CONFIRMED]
    for check in SpotCheck.objects.select_related("visit__visitor__team", "called_contact"):
        visit = check.visit
        assert visit.visitor_role == Role.KAM
        assert visit.visitor.team.manager_id == check.checker_id
        assert visit.visited_on.replace(day=1) == check.month
        if check.called_contact:
            assert check.called_contact.account_id == visit.account_id
        assert (check.checked_at is None) == (check.result == SpotResult.PENDING)


def test_executives_visit_by_this_year_s_schedule(demo):
    schedule = ExecutiveSchedule.objects.get(year=demo.year)
    assert schedule.is_published and schedule.items.count() > 300
    past = with_done(schedule.items.filter(month__lt=demo.replace(day=1)))
    done = sum(1 for i in past if i.done_visit_id)
    assert 0.5 < done / past.count() < 0.95
    roles = set(Visit.objects.values_list("visitor_role", flat=True))
    assert EXECUTIVE_ROLES | {Role.KAM} == roles
    assert Visit.objects.filter(kind=VisitKind.FESTIVAL).exists()
    assert Visit.objects.filter(kind=VisitKind.YEAR_END_CARD).exists()
    assert not ExecutiveSchedule.objects.filter(year=demo.year + 1).exists()  # for the office


def test_the_dashboard_has_accounts_to_act_on(demo):
    """Accounts a KAM did not visit at all last month, while keeping most others."""
    last = add_months(demo.replace(day=1), -1)
    keys = KeyAccount.objects.filter(
        tier__in=[Tier.STRATEGIC, Tier.IMPORTANT], status=Status.ACTIVE, is_archived=False
    )
    visited = keys.filter(
        visits__visitor_role=Role.KAM,
        visits__visited_on__gte=last,
        visits__visited_on__lt=demo.replace(day=1),
    ).distinct()
    assert 0 < keys.count() - visited.count() < keys.count() / 3


def test_scale_makes_three_years_of_visits_without_per_row_history():
    today = dt.datetime(2026, 11, 27, 10, tzinfo=SH)
    with time_machine.travel(today, tick=False):
        build_demo(scale=200)
    kam = Visit.objects.filter(visitor_role=Role.KAM, kind=VisitKind.VISIT)
    months = {d.replace(day=1) for d in kam.values_list("visited_on", flat=True)}
    assert len(months) >= 35
    years = Counter(kam.values_list("visited_on__year", flat=True))
    assert min(years[2024], years[2025], years[2026]) > 1000
    assert kam.aggregate(last=Max("visited_on"))["last"] <= today.date()
    assert Visit.objects.filter(~Q(visitor_role=Role.KAM)).filter(visited_on__year=2024).exists()
    assert Visit.history.count() == 0 and PlanLine.history.count() == 0
    assert not TimelineEntry.objects.filter(kind="visit").exists()
    assert ExecutiveSchedule.objects.get(year=2026).items.count() > 2000
