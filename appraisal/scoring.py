"""From a KAM's raw figures (appraisal/metrics/) to the seven dimensions' figures, scores,
total and rank. Pure: plain values in, plain values out.

A dimension's figure is a percentage (or, for lost accounts, a count). A dimension with
nothing to measure — no target set, no complaint received — has no figure and no score, and
the total is weighted over the dimensions that do: nobody gains or loses by what did not
happen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appraisal.models import Dimension

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
SATISFACTION_TOP = Decimal(5)


@dataclass(frozen=True)
class Rule:
    weight: Decimal
    full_at: Decimal
    zero_at: Decimal


# Shipped defaults (the policy gives no weights); administrators edit them per scheme.
DEFAULT_RULES: dict[int, Rule] = {
    Dimension.SALES: Rule(Decimal(30), Decimal(100), Decimal(50)),
    Dimension.NEW_ACCOUNTS: Rule(Decimal(15), Decimal(100), Decimal(0)),
    Dimension.LOST_ACCOUNTS: Rule(Decimal(10), Decimal(0), Decimal(3)),
    Dimension.COLLECTIONS: Rule(Decimal(15), Decimal(100), Decimal(50)),
    Dimension.RELATIONSHIP: Rule(Decimal(15), Decimal(100), Decimal(50)),
    Dimension.COMPLAINTS: Rule(Decimal(5), Decimal(100), Decimal(50)),
    Dimension.INFORMATION: Rule(Decimal(10), Decimal(100), Decimal(50)),
}


@dataclass(frozen=True)
class Targets:
    sales: Decimal | None = None
    new_accounts: int | None = None
    collections: Decimal | None = None


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole in percent, to the cent; None when there is nothing to divide by."""
    if whole is None or Decimal(whole) <= 0:
        return None
    return (HUNDRED * Decimal(part or 0) / Decimal(whole)).quantize(CENT, ROUND_HALF_UP)


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return (sum(present, Decimal(0)) / len(present)).quantize(CENT, ROUND_HALF_UP)


def _collections(raw: Mapping, targets: Targets) -> Decimal | None:
    """The mean of the collection rate (capped at 100) and the share not overdue."""
    expected = targets.collections if targets.collections else raw.get("falling_due")
    rate = ratio(raw.get("collected"), expected)
    overdue_share = ratio(raw.get("overdue"), raw.get("outstanding"))
    on_time = None if overdue_share is None else HUNDRED - overdue_share
    return mean([None if rate is None else min(rate, HUNDRED), on_time])


def _complaints(raw: Mapping) -> Decimal | None:
    on_time = ratio(raw.get("complaints_on_time"), raw.get("complaints"))
    count = raw.get("satisfaction_count") or 0
    satisfied = (
        ratio(Decimal(raw.get("satisfaction_sum") or 0) / count, SATISFACTION_TOP)
        if count
        else None
    )
    return mean([on_time, satisfied])


def _information(raw: Mapping) -> Decimal | None:
    accounts = raw.get("accounts") or 0
    completeness = (
        (Decimal(raw.get("completeness_sum") or 0) / accounts).quantize(CENT, ROUND_HALF_UP)
        if accounts
        else None
    )
    reviews = ratio(raw.get("reviews_on_time"), accounts)
    loans = ratio(raw.get("loans_in_time"), raw.get("loans"))
    return mean([completeness, reviews, loans])


def dimension_figures(raw: Mapping, targets: Targets) -> dict[int, Decimal | None]:
    """Each dimension's figure from the raw figures and the KAM's targets."""
    relationship = mean(
        [
            ratio(raw.get("rules_met"), raw.get("rules_due")),
            ratio(raw.get("plans_on_time"), raw.get("plans_due")),
            ratio(raw.get("records_on_time"), raw.get("records_due")),
            ratio(raw.get("spot_confirmed"), raw.get("spot_checked")),
        ]
    )
    return {
        Dimension.SALES: ratio(raw.get("invoiced"), targets.sales),
        Dimension.NEW_ACCOUNTS: ratio(raw.get("new_accounts"), targets.new_accounts),
        Dimension.LOST_ACCOUNTS: Decimal(raw.get("lost_accounts") or 0).quantize(CENT),
        Dimension.COLLECTIONS: _collections(raw, targets),
        Dimension.RELATIONSHIP: relationship,
        Dimension.COMPLAINTS: _complaints(raw),
        Dimension.INFORMATION: _information(raw),
    }


def score(figure: Decimal | None, rule: Rule) -> Decimal | None:
    """0 at zero_at, 100 at full_at, straight in between, never outside 0–100."""
    if figure is None:
        return None
    share = (Decimal(figure) - rule.zero_at) / (rule.full_at - rule.zero_at)
    share = min(max(share, Decimal(0)), Decimal(1))
    return (HUNDRED * share).quantize(TENTH, ROUND_HALF_UP)


def total(scores: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """The weighted mean of the (score, weight) pairs that have a score."""
    scored = [(s, w) for s, w in scores if s is not None and w > 0]
    weights = sum((w for _s, w in scored), Decimal(0))
    if not weights:
        return None
    value = sum((s * w for s, w in scored), Decimal(0)) / weights
    return value.quantize(CENT, ROUND_HALF_UP)


def ranks(totals: Mapping[int, Decimal | None]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; no total, no rank."""
    ordered = sorted((t for t in totals.values() if t is not None), reverse=True)
    first = {}
    for place, value in enumerate(ordered, start=1):
        first.setdefault(value, place)
    return {key: (None if t is None else first[t]) for key, t in totals.items()}
