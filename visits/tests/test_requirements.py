"""plan_requirements (visits/selectors/requirements.py): what the plan page shows beside each
account, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from accounts.services import account_set_tier
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory
from visits.models import ExecutiveSchedule, PlanLine, ScheduledVisit, Visit, VisitPlan
from visits.selectors import plan_requirements
from visits.selectors.requirements import with_key_dates
from visits.tests.compliance_data import SH

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def kam():
    return UserFactory(role=Role.KAM, team=TeamFactory())


def key_account(kam, tier=Tier.STRATEGIC, since=dt.date(2025, 1, 1)) -> KeyAccount:
    account = AccountFactory(owner=kam, tier=tier)
    account.history.all().delete()
    created = dt.datetime.combine(since, dt.time(9), tzinfo=SH)
    KeyAccount.objects.filter(pk=account.pk).update(created_at=created, tier_since=since)
    return account


def plan_for(kam) -> VisitPlan:
    return VisitPlan.objects.create(kam=kam, month=MARCH, due_on=dt.date(2026, 2, 25))


def line(plan, account, day: int, **extra) -> PlanLine:
    return PlanLine.objects.create(
        plan=plan, account=account, planned_on=MARCH.replace(day=day), **extra
    )


def visit(account, who, role: str, day: dt.date, **extra) -> Visit:
    return Visit.objects.create(
        account=account, visitor=who, visitor_role=role, visited_on=day, **extra
    )


def test_needs_with_done_and_planned(kam):
    strategic, important = key_account(kam), key_account(kam, Tier.IMPORTANT)
    potential = key_account(kam, Tier.POTENTIAL)
    manager = kam.team.manager
    visit(strategic, manager, "sales_manager", dt.date(2026, 4, 2))
    plan = plan_for(kam)
    done_line = line(plan, strategic, 5)
    line(plan, strategic, 20)
    line(plan, strategic, 25, is_cancelled=True)
    visit(strategic, kam, "kam", dt.date(2026, 3, 5), plan_line=done_line)
    gm = UserFactory(role=Role.GM)
    schedule = ExecutiveSchedule.objects.create(
        year=2026, created_by=gm, published_at=timezone.now()
    )
    ScheduledVisit.objects.create(
        schedule=schedule,
        account=important,
        visitor=gm,
        visitor_role="gm",
        month=dt.date(2026, 9, 1),
    )

    needs = plan_requirements([strategic, important, potential], MARCH)

    assert needs[potential.pk] == []
    s = {n.rule.visitor_role: n for n in needs[strategic.pk]}
    assert (s["kam"].done, s["kam"].planned, s["kam"].met, s["kam"].gap) == (1, 1, True, 0)
    assert s["kam"].window.key == "2026-03"
    # The manager's March–April window already has his April visit.
    assert (s["sales_manager"].window.key, s["sales_manager"].met) == ("2026-03..04", True)
    assert (s["gm"].window.key, s["gm"].gap) == ("2026-H1", 1)
    i = {n.rule.visitor_role: n for n in needs[important.pk]}
    assert (i["kam"].done, i["kam"].planned, i["kam"].gap) == (0, 0, 1)
    # The GM's yearly visit is scheduled (published) for September: planned, not done.
    assert (i["gm"].window.key, i["gm"].planned, i["gm"].gap) == ("2026", 1, 0)
    assert i["sales_manager"].window.key == "2026-Q1"


def test_a_new_account_is_not_yet_owed_the_month_it_joined(kam):
    fresh = key_account(kam, since=dt.date(2026, 3, 10))
    needs = plan_requirements([fresh], MARCH)[fresh.pk]
    assert needs and not any(n.applies for n in needs)
    april = plan_requirements([fresh], dt.date(2026, 4, 1))[fresh.pk]
    assert {n.rule.visitor_role for n in april if n.applies} == {
        "kam",
        "sales_vp",
        "tech_vp",
        "exec_vp",
    }


def test_festival_and_card_in_their_months(kam):
    account = key_account(kam, Tier.IMPORTANT)
    february = plan_requirements([account], dt.date(2026, 2, 1))[account.pk]
    assert "2026-spring_festival" in {n.window.key for n in february}
    december = plan_requirements([account], dt.date(2026, 12, 1))[account.pk]
    assert "year_end_card" in {n.rule.kind for n in december}


@pytest.mark.parametrize("count", [3, 30])
def test_five_queries_whatever_the_number_of_accounts(kam, django_assert_num_queries, count):
    tiers = [Tier.STRATEGIC, Tier.IMPORTANT]
    accounts = [key_account(kam, tiers[i % 2]) for i in range(count)]
    plan = plan_for(kam)
    for account in accounts:
        visit(account, kam, "kam", dt.date(2026, 3, 9), plan_line=line(plan, account, 9))
    with django_assert_num_queries(5):
        needs = plan_requirements(accounts, MARCH)
    assert all(n.done == 1 for a in accounts for n in needs[a.pk] if n.rule.visitor_role == "kam")


def test_tier_since_survives_a_history_purge(kam):
    """Key-account status dates from the account's own tier_since (set by the sales VP's
    decision), so deleting the history rows — pruning, or an import that wrote none —
    changes no requirement."""
    vp = UserFactory(role=Role.SALES_VP)
    account = key_account(kam, Tier.IMPORTANT, since=dt.date(2025, 1, 1))
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=SH), tick=False):
        account_set_tier(account=account, by=vp, tier=Tier.STRATEGIC, reason="层级评审")
    months = [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 7, 1)]
    before = [plan_requirements([account], m)[account.pk] for m in months]
    # Strategic since 10 March: March's strategic windows are not owed yet, April's are.
    assert not any(n.applies for n in before[0]) and any(n.applies for n in before[1])

    KeyAccount.history.filter(id=account.pk).delete()

    assert [plan_requirements([account], m)[account.pk] for m in months] == before
    since = with_key_dates(KeyAccount.objects.filter(pk=account.pk)).values_list("key_since")
    assert since.get() == (dt.date(2026, 3, 10),)
