"""Demo appraisal: targets for the last two closed quarters and the current one, both closed
quarters scored, one score adjusted by a sales manager, and the older quarter made final by
the sales VP — so every state of the appraisal shows. It runs after every other app's demo
(apps.py: order): a period is scored only once its invoices, payments, visits and complaints
are all written, so scoring it again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from appraisal import rollup, services
from appraisal.models import Dimension, PeriodKind, Score, Target
from appraisal.periods import period_get_or_create
from kam.roles import Role
from receivables.models import Invoice

ROUND = Decimal(10000)


def _quarters(today: dt.date) -> list[tuple[int, int]]:
    """The current quarter and the two before it, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(3):
        found.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return found[::-1]


def _targets(ctx, period) -> None:
    invoiced = dict(
        Invoice.objects.filter(
            is_cancelled=False, issued_on__range=(period.starts_on, period.ends_on)
        )
        .values_list("account__owner_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    rows = []
    for kam in ctx.kams:
        actual = invoiced.get(kam.pk) or Decimal(300000)
        factor = Decimal(ctx.rng.choice((80, 95, 105, 120, 140))) / 100
        sales = max(ROUND, (actual * factor / ROUND).quantize(Decimal(1)) * ROUND)
        rows.append(
            Target(
                period=period,
                kam=kam,
                sales=sales,
                new_accounts=ctx.rng.choice((1, 1, 2, 3)),
                collections=(sales * Decimal("0.8")).quantize(Decimal("0.01")),
            )
        )
    Target.objects.bulk_create(rows)


def build(ctx) -> None:
    today = timezone.localdate()
    periods = [
        period_get_or_create(kind=PeriodKind.QUARTER, year=y, quarter=q)
        for y, q in _quarters(today)
    ]
    period_get_or_create(kind=PeriodKind.YEAR, year=today.year)
    services.scheme_default()
    for period in periods:
        _targets(ctx, period)
    older, closed, _current = periods
    for period in (older, closed):
        rollup.period_rollup(period=period, today=today)
    manager = ctx.users.get("manager1")
    score = (
        Score.objects.filter(
            row__period=older, row__kam__team__manager=manager, dimension=Dimension.RELATIONSHIP
        )
        .filter(~Q(score=None))
        .order_by("row__rank")
        .first()
    )
    if manager and score:
        services.score_adjust(
            score=score,
            by=manager,
            value=min(Decimal(100), score.score + 5),
            reason="客户临时停产两周，两次计划拜访改为电话沟通，经销售经理核实。",
        )
    vp = next((u for u in ctx.users.values() if u.role == Role.SALES_VP), None)
    if vp:
        services.period_finalise(period=older, by=vp)
    ctx.log.append(f"appraisal: {older} final, {closed} scored")
