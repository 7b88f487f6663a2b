"""A small company, written out by hand, whose compliance figures are worked out by hand in
visits/tests/test_compliance.py. Today is 15 April 2026; the period is Q1 2026.

Team 华东组 (manager m1): KAMs A and B, and D who has left. Team 华北组 (manager m2): KAM C.

Accounts (all key accounts since 2024 unless said):
  a1 strategic (A)   a2 important (A)   b1 strategic (B)
  c1 important (C)   c2 important (C), created 10 February 2026
  p1 potential (C) and r1 strategic retired (B): outside every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from kam.models import User
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory
from visits.models import PlanLine, SpotCheck, Visit, VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus, SpotResult
from visits.tally import tally_rebuild

SH = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 4, 15)
D = dt.date


@dataclass
class Company:
    kams: dict[str, User]
    managers: dict[str, User]
    execs: dict[str, User]
    accounts: dict[str, KeyAccount]
    teams: dict[str, object]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SH)


def _people() -> tuple[dict, dict, dict, dict]:
    east, north = TeamFactory(name="华东组"), TeamFactory(name="华北组")
    kams = {
        "A": UserFactory(username="kam_a", name="陈静", role=Role.KAM, team=east),
        "B": UserFactory(username="kam_b", name="杨帆", role=Role.KAM, team=east),
        "C": UserFactory(username="kam_c", name="黄磊", role=Role.KAM, team=north),
        "D": UserFactory(username="kam_d", name="离职", role=Role.KAM, team=east, is_active=False),
    }
    execs = {
        role: UserFactory(username=role, role=role)
        for role in (Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM)
    }
    managers = {"m1": east.manager, "m2": north.manager}
    return kams, managers, execs, {"east": east, "north": north}


def _accounts(kams: dict) -> dict[str, KeyAccount]:
    specs = {
        "a1": ("A", Tier.STRATEGIC, D(2024, 1, 1)),
        "a2": ("A", Tier.IMPORTANT, D(2024, 1, 1)),
        "b1": ("B", Tier.STRATEGIC, D(2024, 1, 1)),
        "c1": ("C", Tier.IMPORTANT, D(2024, 1, 1)),
        "c2": ("C", Tier.IMPORTANT, D(2026, 2, 10)),
        "p1": ("C", Tier.POTENTIAL, D(2024, 1, 1)),
        "r1": ("B", Tier.STRATEGIC, D(2024, 1, 1)),
    }
    accounts = {}
    for key, (owner, tier, created) in specs.items():
        account = AccountFactory(name=f"客户{key}", owner=kams[owner], tier=tier)
        # No history rows: key_since is the account's own tier_since, history or not.
        account.history.all().delete()
        KeyAccount.objects.filter(pk=account.pk).update(
            created_at=_at(created),
            tier_since=created,
            is_archived=key == "r1",
        )
        accounts[key] = account
    return accounts


# account, visitor (kam letter, manager key or exec role), role, kind, day, cancelled
VISITS = [
    ("a1", "A", "kam", "visit", D(2026, 1, 10), False),
    ("a1", "A", "kam", "visit", D(2026, 2, 12), False),
    ("a1", "m1", "sales_manager", "visit", D(2026, 2, 20), False),
    ("a1", "sales_vp", "sales_vp", "visit", D(2026, 3, 5), False),
    ("a1", "gm", "gm", "festival", D(2026, 2, 15), False),
    ("a1", "gm", "gm", "visit", D(2026, 3, 20), False),
    ("a2", "A", "kam", "visit", D(2026, 1, 5), False),
    ("a2", "A", "kam", "visit", D(2026, 2, 5), False),
    ("a2", "A", "kam", "visit", D(2026, 3, 5), False),
    ("a2", "m1", "sales_manager", "visit", D(2026, 3, 10), False),
    ("b1", "B", "kam", "visit", D(2026, 1, 8), False),
    ("b1", "B", "kam", "visit", D(2026, 1, 22), False),
    ("b1", "B", "kam", "visit", D(2026, 2, 3), True),  # withdrawn: does not count
    ("b1", "B", "kam", "visit", D(2026, 3, 3), False),
    ("b1", "sales_vp", "sales_vp", "visit", D(2026, 1, 9), False),
    ("b1", "tech_vp", "tech_vp", "visit", D(2026, 2, 9), False),
    ("b1", "exec_vp", "exec_vp", "visit", D(2026, 3, 9), False),
    ("b1", "exec_vp", "exec_vp", "festival", D(2026, 2, 9), False),  # a day before the window
    ("b1", "m1", "sales_manager", "festival", D(2026, 2, 12), False),  # not an executive
    ("c1", "C", "kam", "visit", D(2026, 1, 15), False),
    ("c1", "C", "kam", "visit", D(2026, 2, 15), False),
    ("c1", "C", "kam", "visit", D(2026, 3, 15), False),
    ("c1", "m2", "sales_manager", "visit", D(2026, 1, 30), False),
    ("c1", "tech_vp", "tech_vp", "festival", D(2026, 2, 16), False),
    ("c1", "sales_vp", "sales_vp", "visit", D(2026, 4, 2), False),  # after Q1, inside H1
    ("c1", "C", "kam", "visit", D(2026, 2, 20), True),  # withdrawn, against a plan line
    ("c2", "C", "kam", "visit", D(2026, 3, 3), False),
    ("p1", "C", "kam", "visit", D(2026, 1, 12), False),
    ("r1", "B", "kam", "visit", D(2026, 2, 12), False),
]


def _visits(company: Company) -> dict[tuple[str, dt.date, bool], Visit]:
    people = {**company.kams, **company.managers, **company.execs}
    out = {}
    for account, who, role, kind, day, cancelled in VISITS:
        visit = Visit.objects.create(
            account=company.accounts[account],
            visitor=people[who],
            visitor_role=role,
            kind=kind,
            visited_on=day,
            is_cancelled=cancelled,
        )
        out[(account, day, cancelled)] = visit
    return out


# kam, month, status, submitted, late; lines: account, day, what became of it
# What became of a line: done, not done, removed from the plan, its visit withdrawn.
OK, NO, GONE, UNDONE = True, False, None, "withdrawn"
PLANS = [
    ("A", 1, PlanStatus.APPROVED, True, False, [("a1", 10, OK), ("a2", 5, OK), ("a2", 20, NO)]),
    ("A", 2, PlanStatus.APPROVED, True, True, [("a1", 12, OK), ("a2", 5, OK), ("a1", 26, GONE)]),
    ("A", 3, PlanStatus.RETURNED, True, False, [("a1", 10, NO), ("a2", 5, OK)]),
    ("A", 4, PlanStatus.SUBMITTED, True, False, [("a1", 8, NO)]),
    ("B", 1, PlanStatus.APPROVED, True, False, [("b1", 8, OK), ("b1", 22, OK)]),
    ("B", 3, PlanStatus.DRAFT, False, False, [("b1", 3, OK)]),
    ("C", 1, PlanStatus.APPROVED, True, False, [("c1", 15, OK)]),
    ("C", 2, PlanStatus.APPROVED, True, False, [("c1", 15, OK), ("c1", 20, UNDONE)]),
    ("C", 3, PlanStatus.APPROVED, True, False, [("c1", 15, OK), ("c2", 3, OK), ("c2", 25, NO)]),
    ("D", 1, PlanStatus.APPROVED, True, False, []),
]  # fmt: skip


def _plans(company: Company, visits: dict) -> None:
    for kam, month, status, submitted, late, lines in PLANS:
        first = D(2026, month, 1)
        plan = VisitPlan.objects.create(
            kam=company.kams[kam],
            month=first,
            due_on=D(2026, month - 1, 25) if month > 1 else D(2025, 12, 25),
            status=status,
            submitted_at=_at(first - dt.timedelta(days=10)) if submitted else None,
            is_late=late,
        )
        for account, day, outcome in lines:
            planned_on = first.replace(day=day)
            line = PlanLine.objects.create(
                plan=plan,
                account=company.accounts[account],
                planned_on=planned_on,
                is_cancelled=outcome is None,
            )
            if outcome in (OK, UNDONE):
                visit = visits[(account, planned_on, outcome == UNDONE)]
                Visit.objects.filter(pk=visit.pk).update(plan_line=line)


# kam, month, submitted, late
RECORDS = [
    ("A", 1, True, False),
    ("A", 2, True, True),
    ("A", 3, True, False),
    ("B", 1, True, False),
    ("B", 2, True, False),
    ("B", 3, False, False),
    ("C", 1, True, True),
    ("C", 2, True, False),
    ("D", 1, True, False),
]


def _records(company: Company) -> None:
    for kam, month, submitted, late in RECORDS:
        VisitRecord.objects.create(
            kam=company.kams[kam],
            month=D(2026, month, 1),
            due_on=D(2026, month + 1, 5),
            status=RecordStatus.SUBMITTED if submitted else RecordStatus.OPEN,
            submitted_at=_at(D(2026, month + 1, 4)) if submitted else None,
            is_late=late,
        )


# account, visit day, checker, result
SPOT_CHECKS = [
    ("a1", D(2026, 1, 10), "m1", SpotResult.CONFIRMED),
    ("a2", D(2026, 2, 5), "m1", SpotResult.NOT_CONFIRMED),
    ("b1", D(2026, 1, 8), "m1", SpotResult.UNREACHABLE),
    ("b1", D(2026, 1, 22), "m1", SpotResult.PENDING),
    ("c1", D(2026, 3, 15), "m2", SpotResult.CONFIRMED),
    ("c1", D(2026, 1, 15), "m2", SpotResult.CONFIRMED),
]


def _spot_checks(company: Company, visits: dict) -> None:
    for account, day, checker, result in SPOT_CHECKS:
        SpotCheck.objects.create(
            visit=visits[(account, day, False)],
            month=day.replace(day=1),
            checker=company.managers[checker],
            result=result,
        )


def build_people() -> Company:
    """The people and the accounts, nothing done yet."""
    kams, managers, execs, teams = _people()
    return Company(kams, managers, execs, _accounts(kams), teams)


def build_company() -> Company:
    company = build_people()
    visits = _visits(company)
    _plans(company, visits)
    _records(company)
    _spot_checks(company, visits)
    # Some of the above is written with queryset.update(), which the rollup cannot see.
    tally_rebuild(today=TODAY)
    return company
