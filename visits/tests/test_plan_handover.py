"""§7: the hand-over moves the leaver's open plans too — the visits planned and not yet made —
into each account's successor's plan for the same month."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts import services as account_services
from accounts.models import HandOverItem
from kam.models import Notification
from kam.registry import registry
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory
from visits.models import PlanLine, PlanTransition, Visit, VisitPlan
from visits.models.plans import PlanStatus
from visits.tests.plan_fixtures import at, make_plan

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)
MAY, JUNE = dt.date(2026, 5, 1), dt.date(2026, 6, 1)


@pytest.fixture
def office(db):
    team = TeamFactory()
    leaver = UserFactory(username="leaver", role=Role.KAM, team=team)
    heir = UserFactory(username="heir", role=Role.KAM, team=team)
    heir2 = UserFactory(username="heir2", role=Role.KAM, team=team)
    a = AccountFactory(owner=leaver, name="甲公司")
    b = AccountFactory(owner=leaver, name="乙公司")
    return {
        "leaver": leaver,
        "heir": heir,
        "heir2": heir2,
        "a": a,
        "b": b,
        "vp": UserFactory(username="vp", role=Role.SALES_VP),
    }


def line(plan, account, day) -> PlanLine:
    return PlanLine.objects.create(
        plan=plan, account=account, planned_on=plan.month.replace(day=day), purposes=["share"]
    )


def hand_over(office):
    with time_machine.travel(at(TODAY), tick=False):
        return account_services.accounts_hand_over(
            leaver=office["leaver"],
            by=office["vp"],
            default_successor=office["heir"],
            successors={office["b"].pk: office["heir2"]},
        )


def test_future_unvisited_lines_move_to_each_accounts_successor(office):
    leaver, heir, heir2, a, b = (office[k] for k in ("leaver", "heir", "heir2", "a", "b"))
    may = make_plan(leaver, MAY, status=PlanStatus.APPROVED)
    past = line(may, a, 6)  # before the hand-over: the leaver's record
    visited = line(may, a, 25)  # already visited (a visit is recorded against it)
    Visit.objects.create(
        account=a, visitor=leaver, visitor_role=Role.KAM, visited_on=TODAY, plan_line=visited
    )
    removed = line(may, b, 27)
    removed.is_cancelled = True
    removed.save()
    today_line = line(may, a, 20)  # the hand-over day itself still lies ahead
    may_b = line(may, b, 28)
    june = make_plan(leaver, JUNE, status=PlanStatus.SUBMITTED)
    june_a, june_b = line(june, a, 3), line(june, b, 9)

    handover = hand_over(office)

    def plan_of(pk):
        return PlanLine.objects.select_related("plan").get(pk=pk).plan

    for pk in (past.pk, visited.pk, removed.pk):
        assert plan_of(pk) == may  # stays with the leaver
    assert (plan_of(today_line.pk).kam, plan_of(today_line.pk).month) == (heir, MAY)
    assert (plan_of(may_b.pk).kam, plan_of(may_b.pk).month) == (heir2, MAY)
    assert (plan_of(june_a.pk).kam, plan_of(june_a.pk).month) == (heir, JUNE)
    assert (plan_of(june_b.pk).kam, plan_of(june_b.pk).month) == (heir2, JUNE)
    # The successors had no plans: theirs are created as drafts, due like any other.
    new = VisitPlan.objects.get(kam=heir, month=JUNE)
    assert (new.status, new.due_on) == (PlanStatus.DRAFT, dt.date(2026, 5, 25))
    assert str(leaver) in PlanLine.objects.get(pk=june_a.pk).notes
    items = set(
        HandOverItem.objects.filter(handover=handover, kind="plan_line").values_list(
            "object_id", "successor"
        )
    )
    assert items == {
        (today_line.pk, heir.pk),
        (may_b.pk, heir2.pk),
        (june_a.pk, heir.pk),
        (june_b.pk, heir2.pk),
    }
    item = HandOverItem.objects.filter(kind="plan_line").first()
    assert item.get_kind_display() == str(registry.handover_kinds["plan_line"]) != "plan_line"
    history = PlanLine.objects.get(pk=june_a.pk).history.order_by("-history_id").first()
    assert history.history_user == office["vp"]


def test_a_successors_submitted_plan_is_reopened_for_her_to_check(office):
    leaver, heir, a = office["leaver"], office["heir"], office["a"]
    theirs = make_plan(leaver, JUNE, status=PlanStatus.DRAFT)
    moved = line(theirs, a, 8)
    own = make_plan(heir, JUNE, status=PlanStatus.APPROVED)
    line(own, AccountFactory(owner=heir), 4)

    hand_over(office)

    own.refresh_from_db()
    assert own.status == PlanStatus.RETURNED
    assert PlanLine.objects.get(pk=moved.pk).plan == own
    step = PlanTransition.objects.get(plan=own)
    assert (step.from_status, step.to_status, step.by) == (
        PlanStatus.APPROVED,
        PlanStatus.RETURNED,
        office["vp"],
    )
    assert str(leaver) in step.comment
    note = Notification.objects.get(kind="plan_returned")
    assert note.recipient == heir


def test_a_successors_draft_simply_gains_the_lines(office):
    leaver, heir, a = office["leaver"], office["heir"], office["a"]
    moved = line(make_plan(leaver, JUNE), a, 8)
    own = make_plan(heir, JUNE, status=PlanStatus.RETURNED)

    hand_over(office)

    own.refresh_from_db()
    assert own.status == PlanStatus.RETURNED
    assert PlanLine.objects.get(pk=moved.pk).plan == own
    assert not PlanTransition.objects.filter(plan=own).exists()
    # The leaver's emptied draft is closed, not left open.
    assert PlanTransition.objects.get().to_status == PlanStatus.CLOSED


def test_a_leaver_without_plans_hands_over_as_before(office):
    handover = hand_over(office)
    assert set(handover.items.values_list("kind", flat=True)) == {"account"}


def test_a_hand_over_leaves_nothing_open_with_the_leaver_and_lists_each_item(office):
    """Draft, returned and submitted plans are closed (their open lines moved into plans the
    successors can edit); open and returned monthly records — also the one due in three
    days — are submitted for the manager's review; the hand-over lists every one."""
    from visits.models import RecordTransition, VisitRecord
    from visits.models.records import RecordStatus
    from visits.services.handover import PLAN_KIND, RECORD_KIND
    from visits.services.records import record_due_on

    leaver, heir, heir2, a, b = (office[k] for k in ("leaver", "heir", "heir2", "a", "b"))
    day = dt.date(2026, 6, 2)
    april, may, june, july = (dt.date(2026, m, 1) for m in (4, 5, 6, 7))
    approved = make_plan(leaver, may, status=PlanStatus.APPROVED)
    line(approved, a, 20)  # past: her record, stays
    draft = make_plan(leaver, june, status=PlanStatus.DRAFT)
    june_lines = [line(draft, a, 10), line(draft, b, 12)]
    returned = make_plan(leaver, july, status=PlanStatus.RETURNED)
    july_line = line(returned, a, 7)
    submitted = make_plan(leaver, dt.date(2026, 8, 1), status=PlanStatus.SUBMITTED)
    august_line = line(submitted, b, 4)
    make_plan(heir, june, status=PlanStatus.APPROVED)  # hers, reopened to take the lines

    def record(month, status, **extra):
        return VisitRecord.objects.create(
            kam=leaver, month=month, status=status, due_on=record_due_on(month), **extra
        )

    sent_back = record(april, RecordStatus.RETURNED, submitted_at=at(dt.date(2026, 5, 4)))
    due_soon = record(may, RecordStatus.OPEN)  # due 5 June, three days after the hand-over
    current = record(june, RecordStatus.OPEN)
    assert due_soon.due_on == dt.date(2026, 6, 5)

    with time_machine.travel(at(day), tick=False):
        handover = account_services.accounts_hand_over(
            leaver=leaver, by=office["vp"], default_successor=heir, successors={b.pk: heir2}
        )

    open_plans = VisitPlan.objects.filter(kam=leaver).exclude(
        status__in=(PlanStatus.APPROVED, PlanStatus.CLOSED)
    )
    assert not open_plans.exists()
    assert not VisitRecord.objects.filter(
        kam=leaver, status__in=(RecordStatus.OPEN, RecordStatus.RETURNED)
    ).exists()
    assert VisitPlan.objects.get(pk=approved.pk).status == PlanStatus.APPROVED
    for plan in (draft, returned, submitted):
        plan.refresh_from_db()
        assert plan.status == PlanStatus.CLOSED and str(leaver) in plan.comment
        assert plan.transitions.get(to_status=PlanStatus.CLOSED).by == office["vp"]

    # Every open line is in a plan its successor can act on.
    for moved, who in ((june_lines[0], heir), (june_lines[1], heir2), (july_line, heir)):
        moved = PlanLine.objects.select_related("plan").get(pk=moved.pk)
        assert moved.plan.kam == who and moved.plan.is_editable
    assert PlanLine.objects.get(pk=august_line.pk).plan.kam == heir2

    for rec in (sent_back, due_soon, current):
        rec.refresh_from_db()
        assert rec.status == RecordStatus.SUBMITTED
    assert due_soon.is_late is False and due_soon.submitted_at is not None
    assert sent_back.submitted_at == at(dt.date(2026, 5, 4))  # the first submission stays
    reason = RecordTransition.objects.get(record=due_soon).comment
    assert str(leaver) in reason
    manager = leaver.team.manager
    assert Notification.objects.filter(recipient=manager, key=f"record_handover:{due_soon.pk}")

    items = HandOverItem.objects.filter(handover=handover)
    assert set(items.filter(kind=PLAN_KIND).values_list("object_id", flat=True)) == {
        draft.pk,
        returned.pk,
        submitted.pk,
    }
    assert set(items.filter(kind=PLAN_KIND).values_list("successor", flat=True)) == {None}
    records = items.filter(kind=RECORD_KIND)
    assert set(records.values_list("object_id", "successor")) == {
        (sent_back.pk, manager.pk),
        (due_soon.pk, manager.pk),
        (current.pk, manager.pk),
    }
    moved_lines = set(items.filter(kind="plan_line").values_list("object_id", flat=True))
    assert moved_lines == {june_lines[0].pk, june_lines[1].pk, july_line.pk, august_line.pk}
