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
    assert not PlanTransition.objects.exists()


def test_a_leaver_without_plans_hands_over_as_before(office):
    handover = hand_over(office)
    assert set(handover.items.values_list("kind", flat=True)) == {"account"}
