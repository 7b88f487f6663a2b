"""Pareto / ABC ranking and tier proposals (SPEC §6): pure, tested without a database.

Accounts are ranked by revenue, largest first. An account's *cumulative share before* it is the
share of revenue brought by the accounts ranked above it. Class A holds the accounts that
bring the first `a_share` % of revenue (the account that crosses the line is still A), class B
the next ones up to `b_share` %, class C the rest and every account without revenue.

Target tier, under the thresholds an administrator sets:
- strategic: class A or B, with at least `strategic_criteria` of the policy's qualitative
  criteria (§3) ticked by the KAM;
- important: class A or B otherwise ("a large share of our sales revenue", §3), except a class
  B account whose revenue fell by `growth_demote` % or more against the previous period,
  which drops to potential;
- potential: class C, except one whose revenue grew by `growth_promote` % or more, which is
  lifted to important.
Growth is only known when the previous period had revenue. A proposal is made wherever the
target differs from the current tier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

A, B, C = "A", "B", "C"
STRATEGIC, IMPORTANT, POTENTIAL = "strategic", "important", "potential"
HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Thresholds:
    a_share: Decimal = Decimal(80)
    b_share: Decimal = Decimal(95)
    growth_promote: Decimal = Decimal(50)
    growth_demote: Decimal = Decimal(-40)
    strategic_criteria: int = 3


@dataclass(frozen=True)
class Figure:
    """One account's figures for the period: what the database adds up."""

    pk: int
    tier: str
    revenue: Decimal
    previous: Decimal = ZERO
    criteria: int = 0


@dataclass(frozen=True)
class Ranked:
    figure: Figure
    rank: int
    share: Decimal  # % of total revenue
    cumulative: Decimal  # % brought by this account and those above it
    klass: str
    growth: Decimal | None  # % against the previous period, None when it had no revenue


@dataclass(frozen=True)
class Proposal:
    pk: int
    from_tier: str
    to_tier: str
    reasons: list[dict] = field(default_factory=list)


def growth(revenue: Decimal, previous: Decimal) -> Decimal | None:
    if previous <= 0:
        return None
    return ((revenue - previous) * HUNDRED / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rank(figures: list[Figure], t: Thresholds) -> list[Ranked]:
    """Largest revenue first; ties by pk so the order is stable."""
    ordered = sorted(figures, key=lambda f: (-f.revenue, f.pk))
    total = sum((f.revenue for f in ordered if f.revenue > 0), ZERO)
    out, running = [], ZERO
    for n, f in enumerate(ordered, start=1):
        revenue = max(f.revenue, ZERO)
        before = running * HUNDRED / total if total else HUNDRED
        running += revenue
        share = revenue * HUNDRED / total if total else ZERO
        cumulative = running * HUNDRED / total if total else ZERO
        if revenue > 0 and before < t.a_share:
            klass = A
        elif revenue > 0 and before < t.b_share:
            klass = B
        else:
            klass = C
        out.append(Ranked(f, n, share, cumulative, klass, growth(f.revenue, f.previous)))
    return out


def curve(ranked: list[Ranked], steps: int = 10) -> list[Decimal]:
    """The Pareto curve: share of revenue brought by the top 0, 1/steps, …, all accounts."""
    n = len(ranked)
    points = []
    for i in range(steps + 1):
        top = -(-n * i // steps)  # ceiling: the top 10 % of 5 accounts is one account
        points.append(ranked[top - 1].cumulative if top else ZERO)
    return points


def classes(ranked: list[Ranked]) -> dict[str, tuple[int, Decimal]]:
    """Per class: how many accounts, and their share of revenue."""
    out = {k: (0, ZERO) for k in (A, B, C)}
    for r in ranked:
        count, share = out[r.klass]
        out[r.klass] = (count + 1, share + r.share)
    return out


def target(r: Ranked, t: Thresholds) -> tuple[str, list[dict]]:
    """The tier the figures call for, with the reasons that decided it."""
    reasons = [{"code": "class", "klass": r.klass, "share": str(_pct(r.share))}]
    if r.klass in (A, B) and r.figure.criteria >= t.strategic_criteria:
        reasons.append({"code": "criteria", "n": r.figure.criteria})
        return STRATEGIC, reasons
    if r.klass == B and r.growth is not None and r.growth <= t.growth_demote:
        reasons.append({"code": "falling", "growth": str(r.growth)})
        return POTENTIAL, reasons
    if r.klass == C and r.growth is not None and r.growth >= t.growth_promote:
        reasons.append({"code": "growing", "growth": str(r.growth)})
        return IMPORTANT, reasons
    if r.figure.tier == STRATEGIC and r.klass in (A, B):
        reasons.append({"code": "few_criteria", "n": r.figure.criteria})
    return (IMPORTANT if r.klass in (A, B) else POTENTIAL), reasons


def propose(ranked: list[Ranked], t: Thresholds) -> list[Proposal]:
    proposals = []
    for r in ranked:
        to, reasons = target(r, t)
        if to != r.figure.tier:
            proposals.append(Proposal(r.figure.pk, r.figure.tier, to, reasons))
    return proposals


def _pct(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)
