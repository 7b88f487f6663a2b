"""Proposing the executive schedule (高层拜访日程, §14.1) from the frequency rules. Pure: plain
values in, plain values out; the service in visits/services/schedule.py feeds it and saves.

What is proposed. For every active strategic or important account and every rule of its tier
whose visitor is the sales manager or an executive, the year is cut into the rule's windows
(two months, a quarter, a half-year, the year) and each window gets `min_count` visits, less
those the schedule already has for that account and role in the window. The sales manager is
the owner's team manager; for a VP or the GM the account keeps whoever already visits it for
that role, otherwise the holder of the role with the lightest year so far (several people may
hold one role; usually one does).

The spreading rule. Visits are placed one at a time, narrowest windows first (two-monthly,
then quarterly, half-yearly, yearly), so the visits that have the least choice take their
months before the flexible ones fill the gaps. Each visit goes to the month of its window in
which, in this order:
  1. its visitor has the fewest visits already (nobody gets a heavy month while a light one
     in the same window is free);
  2. the account has the fewest executive visits already (the four executives and the manager
     of one account do not all arrive in the same month);
  3. the month is nearest, going round the window, to a starting month that rotates with the
     account and the role (so equal choices do not all fall on the window's first month).
For rules whose windows nest (quarters in half-years in the year) this leaves every visitor's
months within one visit of each other; with two-monthly and quarterly windows mixed (a sales
manager with strategic and important accounts) within two.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# The roles an executive schedule is made of, in the order the pages show them.
SCHEDULE_ROLES = ("sales_manager", "sales_vp", "tech_vp", "exec_vp", "gm")
WINDOW_MONTHS = {"two_months": 2, "quarter": 3, "half_year": 6, "year": 12}


@dataclass(frozen=True)
class AccountNeed:
    pk: int
    tier: str
    manager_id: int | None  # the owner's sales manager, if the owner has an active one


@dataclass(frozen=True)
class Rule:
    tier: str
    visitor_role: str
    period: str
    min_count: int = 1


@dataclass(frozen=True)
class Slot:
    account_id: int
    visitor_role: str
    visitor_id: int
    month: int  # 1–12


@dataclass
class Proposal:
    slots: list[Slot] = field(default_factory=list)
    # (account, role) pairs the rules ask for but nobody can make: no manager, no VP…
    unstaffed: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Task:
    account: AccountNeed
    order: int  # the account's position, for the rotating start
    role: str
    months: tuple[int, ...]
    need: int


def windows(period: str, first_month: int = 1) -> list[tuple[int, ...]]:
    """The rule's windows of the year, each cut to the months from `first_month` on."""
    size = WINDOW_MONTHS[period]
    cut = []
    for start in range(1, 13, size):
        months = tuple(m for m in range(start, start + size) if m >= first_month)
        if months:
            cut.append(months)
    return cut


class _State:
    """The loads the spreading rule balances, starting from what the schedule already has."""

    def __init__(self, existing: Iterable[Slot]):
        self.visitor_month: Counter[tuple[int, int]] = Counter()
        self.visitor_year: Counter[int] = Counter()
        self.account_month: Counter[tuple[int, int]] = Counter()
        self.taken: dict[tuple[int, str], set[int]] = {}
        self.holder: dict[tuple[int, str], int] = {}
        for slot in existing:
            self.add(slot)

    def add(self, slot: Slot) -> None:
        self.visitor_month[slot.visitor_id, slot.month] += 1
        self.visitor_year[slot.visitor_id] += 1
        self.account_month[slot.account_id, slot.month] += 1
        self.taken.setdefault((slot.account_id, slot.visitor_role), set()).add(slot.month)
        self.holder.setdefault((slot.account_id, slot.visitor_role), slot.visitor_id)


def propose(
    *,
    accounts: Sequence[AccountNeed],
    rules: Iterable[Rule],
    executives: Mapping[str, Sequence[int]],
    existing: Iterable[Slot] = (),
    first_month: int = 1,
) -> Proposal:
    """The visits the rules still ask for in the year, from `first_month` on, spread by the
    rule in the module's docstring. `executives` maps a VP or GM role to its holders' ids."""
    state = _State(existing)
    by_tier: dict[str, list[Rule]] = {}
    for rule in rules:
        if rule.visitor_role in SCHEDULE_ROLES and rule.period in WINDOW_MONTHS:
            by_tier.setdefault(rule.tier, []).append(rule)
    tasks = _tasks(accounts, by_tier, state, first_month)
    tasks.sort(key=lambda t: (len(t.months), t.months[0], t.order, _role_rank(t.role)))
    proposal = Proposal()
    for task in tasks:
        visitor = _visitor(task, executives, state)
        if visitor is None:
            if (task.account.pk, task.role) not in proposal.unstaffed:
                proposal.unstaffed.append((task.account.pk, task.role))
            continue
        for _n in range(task.need):
            month = _month(task, visitor, state)
            if month is None:
                break
            slot = Slot(task.account.pk, task.role, visitor, month)
            state.add(slot)
            proposal.slots.append(slot)
    return proposal


def _role_rank(role: str) -> int:
    return SCHEDULE_ROLES.index(role)


def _tasks(accounts, by_tier, state: _State, first_month: int) -> list[_Task]:
    tasks = []
    for order, account in enumerate(accounts):
        for rule in by_tier.get(account.tier, ()):
            taken = state.taken.get((account.pk, rule.visitor_role), set())
            for months in windows(rule.period, first_month):
                need = rule.min_count - len(taken.intersection(months))
                if need > 0:
                    tasks.append(_Task(account, order, rule.visitor_role, months, need))
    return tasks


def _visitor(task: _Task, executives, state: _State) -> int | None:
    if task.role == "sales_manager":
        return task.account.manager_id
    kept = state.holder.get((task.account.pk, task.role))
    if kept is not None:
        return kept
    holders = executives.get(task.role) or ()
    if not holders:
        return None
    return min(holders, key=lambda pk: (state.visitor_year[pk], pk))


def _month(task: _Task, visitor: int, state: _State) -> int | None:
    taken = state.taken.get((task.account.pk, task.role), set())
    free = [m for m in task.months if m not in taken]
    if not free:
        return None
    size = len(task.months)
    start = (task.order + _role_rank(task.role)) % size

    def cost(month: int) -> tuple[int, int, int]:
        return (
            state.visitor_month[visitor, month],
            state.account_month[task.account.pk, month],
            (task.months.index(month) - start) % size,
        )

    return min(free, key=cost)
