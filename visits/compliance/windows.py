"""Frequency-rule compliance (§13) added up from the rollup (visits/models/tally.py).

The engine (visits/rules.py) has judged every account's windows when its data last changed
(visits/tally.py); here the database adds those verdicts up, window by window, per team, KAM or
account, and this module turns the per-window sums into figures for a period:
- a window counts for the period when it overlaps it; it is closed when its working-calendar
  deadline (`Window.due`) is before today;
- due / met: closed windows owed / owed and met; open / open_met: the same for windows still
  running, reported apart ("so far") so a period is not judged before it ends;
- overdue: accounts with a closed window of the period owed and not met, in all and by slot.
The trend puts each window in the month it ends in.

Which bit or column is which window: the i-th window of the year of the rule for the row's
tier and slot (`tally.year_windows`), so the same column means January–February for a strategic
account's sales manager and the first quarter for an important one: rows are kept per tier.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, F, IntegerField, Sum, Value, When
from django.db.models.lookups import GreaterThan

from visits import rules
from visits.models import AccountTally, OwnerTally
from visits.models.tally import (
    MAX_WINDOWS,
    MONTHLY,
    MONTHS,
    SLOTS,
    WINDOW_SUMS,
    mask_column,
    month_column,
    window_bit_sql,
    window_column,
)
from visits.tally import slot_of, year_windows

OWNER_PATHS = {"team": "owner__team_id", "kam": "owner_id"}
ACCOUNT_PATHS = {
    "team": "account__owner__team_id",
    "kam": "account__owner_id",
    "account": "account_id",
}


@dataclass
class RuleFigures:
    due: int = 0  # closed windows owed
    met: int = 0  # closed windows met
    open: int = 0  # windows still running
    open_met: int = 0  # of which met already
    accounts: int = 0  # accounts owed anything in the period
    overdue_accounts: int = 0  # accounts with a closed window unmet
    overdue: dict[str, int] = field(default_factory=dict)  # by slot

    def __add__(self, other: RuleFigures) -> RuleFigures:
        return RuleFigures(
            self.due + other.due,
            self.met + other.met,
            self.open + other.open,
            self.open_met + other.open_met,
            self.accounts + other.accounts,
            self.overdue_accounts + other.overdue_accounts,
            {s: self.overdue.get(s, 0) + other.overdue.get(s, 0) for s in SLOTS},
        )


@dataclass
class Sums:
    """One group's per-window and per-month totals, and what they make for a period."""

    rules: RuleFigures = field(default_factory=RuleFigures)
    lines_due: int = 0  # plan lines of months that have ended
    lines_done: int = 0
    visits: int = 0
    checked: int = 0  # spot checks called
    confirmed: int = 0
    trend_due: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))
    trend_met: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))
    trend_lines: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))
    trend_done: dict[dt.date, int] = field(default_factory=lambda: defaultdict(int))


def _columns(rule_list: list[rules.Rule]) -> list[tuple[str, str, str]]:
    """(column, its SUM over OwnerTally rows `t`, the same figure's SUM over AccountTally
    rows `t`): the window columns some rule in force can fill, and the monthly ones."""
    used: dict[str, int] = defaultdict(int)
    for rule in rule_list:
        count = min(len(year_windows(rule, 2001)), MAX_WINDOWS)  # any year: same count
        used[slot_of(rule)] = max(used[slot_of(rule)], count)
    out = []
    for slot, count in used.items():
        for i in range(count):
            for mask in WINDOW_SUMS:
                name = window_column(mask, slot, i)
                out.append((name, f"SUM(t.{name})", f"SUM({window_bit_sql('t', mask, slot, i)})"))
    for m in MONTHS:
        names = (month_column(name, m) for name in MONTHLY)
        out += [(name, f"SUM(t.{name})", f"SUM(t.{name})") for name in names]
    return out


def window_sums(
    *,
    group: str,
    years: list[int],
    rule_list: list[rules.Rule],
    owners: dict | None = None,
    accounts: dict | None = None,
) -> list[dict]:
    """Rows {grp, tier, year, o_<slot>_<i>, m_<slot>_<i>, lines_<m>, done_<m>, …}: from
    OwnerTally for teams and KAMs (`owners`: lookups on OwnerTally), from AccountTally for
    accounts (`accounts`: lookups on AccountTally). One query.

    The ORM picks the rows and their group; the hundred-odd sums are written out, because
    compiling as many ORM expressions costs more than running the query."""
    columns = _columns(rule_list)
    if group == "account":
        model, base = AccountTally, AccountTally.objects.filter(**accounts)
        base = base.values("id", grp=F(ACCOUNT_PATHS[group]))
    else:
        model, base = OwnerTally, OwnerTally.objects.filter(**owners)
        base = base.values("id", grp=F(OWNER_PATHS[group]))
    base_sql, params = base.filter(year__in=years).order_by().query.sql_with_params()
    from_masks = model is AccountTally
    sums = ", ".join(f"{acc if from_masks else own} AS {c}" for c, own, acc in columns)
    sql = (
        f"SELECT b.grp, t.tier, t.year, {sums} FROM {model._meta.db_table} t "
        f"JOIN ({base_sql}) b ON b.id = t.id GROUP BY b.grp, t.tier, t.year"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col[0] for col in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def add_up(
    rows: list[dict],
    rule_list: list[rules.Rule],
    *,
    start: dt.date,
    end: dt.date,
    trend: list[dt.date],
    today: dt.date,
) -> dict:
    """{group: Sums} for the period [start, end] and the trend months, from `window_sums`.
    Adds up a handful of aggregated rows per group (tiers × years), not accounts."""
    out: dict = defaultdict(Sums)
    trend_months = set(trend)
    for row in rows:
        sums = out[row["grp"]]
        for rule in (r for r in rule_list if r.tier == row["tier"]):
            slot = slot_of(rule)
            for i, window in enumerate(year_windows(rule, row["year"])[:MAX_WINDOWS]):
                owed = row.get(window_column("owe", slot, i)) or 0
                got = row.get(window_column("met", slot, i)) or 0
                if window.overlaps(start, end):
                    closed = window.due < today
                    sums.rules.due += owed if closed else 0
                    sums.rules.met += got if closed else 0
                    sums.rules.open += 0 if closed else owed
                    sums.rules.open_met += 0 if closed else got
                month = window.end.replace(day=1)
                if month in trend_months and window.due < today:
                    sums.trend_due[month] += owed
                    sums.trend_met[month] += got
        _add_months(sums, row, start, end, trend_months, today)
    return out


def _add_months(sums: Sums, row: dict, start, end, trend_months, today) -> None:
    for m in MONTHS:
        month = dt.date(row["year"], m, 1)
        lines, done = row.get(month_column("lines", m)) or 0, row.get(month_column("done", m)) or 0
        ended = dt.date(row["year"] + m // 12, m % 12 + 1, 1) <= today
        if start <= month <= end:
            sums.visits += row.get(month_column("visits", m)) or 0
            sums.checked += row.get(month_column("checked", m)) or 0
            sums.confirmed += row.get(month_column("confirmed", m)) or 0
            if ended:
                sums.lines_due += lines
                sums.lines_done += done
        if month in trend_months and ended:
            sums.trend_lines[month] += lines
            sums.trend_done[month] += done


def _period_masks(rule_list, year: int, start, end, today) -> dict[tuple[str, str], tuple]:
    """{(tier, slot): (owed in the period mask, closed in the period mask)}."""
    masks = {}
    for rule in rule_list:
        period = closed = 0
        for i, window in enumerate(year_windows(rule, year)[:MAX_WINDOWS]):
            if window.overlaps(start, end):
                period |= 1 << i
                closed |= (window.due < today) << i
        masks[(rule.tier, slot_of(rule))] = (period, closed)
    return masks


def _cut(masks: dict, slot: str, kind: str, which: int):
    """Per row, the slot's mask (owe/miss) cut to the period's windows for the row's tier; a
    plain column & mask when every tier has the same windows (the usual case: cheaper)."""
    tiers = {tier for tier, _ in masks}
    by_tier = {tier: pair[which] for (tier, s), pair in masks.items() if s == slot}
    column = F(mask_column(kind, slot))
    if set(by_tier) == tiers and len(set(by_tier.values())) == 1:
        mask = next(iter(by_tier.values()))
        return column.bitand(mask) if mask else None
    whens = [When(tier=tier, then=column.bitand(mask)) for tier, mask in by_tier.items() if mask]
    return Case(*whens, default=Value(0), output_field=IntegerField()) if whens else None


def _any(exprs: list):
    """1 when any of the (non-negative) expressions is above zero: one test on their sum."""
    exprs = [e for e in exprs if e is not None]
    if not exprs:
        return Value(0)
    total = functools.reduce(operator.add, exprs)
    return Case(When(GreaterThan(total, 0), then=1), default=0, output_field=IntegerField())


def overdue_counts(
    accounts: dict,
    rule_list: list[rules.Rule],
    *,
    group: str,
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> dict:
    """{group: RuleFigures with accounts, overdue_accounts, overdue by slot}: distinct
    accounts, so from AccountTally (one row per account for the period's year; `accounts`:
    lookups on it). One query."""
    masks = _period_masks(rule_list, start.year, start, end, today)
    slots = sorted({s for _, s in masks}, key=SLOTS.index)
    missed = {s: _cut(masks, s, "miss", 1) for s in slots}
    owed = [_cut(masks, s, "owe", 0) for s in slots]
    qs = (
        AccountTally.objects.filter(**accounts, year=start.year)
        .values(grp=F(ACCOUNT_PATHS[group]))
        .annotate(
            accounts=Sum(_any(owed)),
            overdue_any=Sum(_any(list(missed.values()))),
            **{f"overdue_{s}": Sum(_any([e])) for s, e in missed.items() if e is not None},
        )
        .order_by()
    )
    out = {}
    for row in qs:
        by_slot = {s: row.get(f"overdue_{s}") or 0 for s in SLOTS}
        out[row["grp"]] = RuleFigures(
            accounts=row["accounts"] or 0,
            overdue_accounts=row["overdue_any"] or 0,
            overdue=by_slot,
        )
    return out
