"""Reads of the appraisal, scoped to who is asking (kam/roles.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, IntegerField, Prefetch, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from appraisal.models import AccountLine, Adjustment, Period, Row, Score
from kam.models import User
from kam.roles import in_scope


def _visible_rows(user: User) -> QuerySet[Row]:
    # A row keeps the team its KAM was in when scored: that team decides for a manager.
    return in_scope(Row.objects.all(), user, "kam", team="team")


def rows_visible_to(user: User, period: Period) -> QuerySet[Row]:
    """The sales VP, the GM and administrators see every row, a sales manager her team's (by
    the team the KAM was in when scored), a KAM her own."""
    return _visible_rows(user).filter(period=period)


def rows_with_scores(rows: QuerySet[Row]) -> QuerySet[Row]:
    return (
        rows.select_related("kam", "team")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("dimension")))
        .order_by("rank", "kam__name", "pk")
    )


def periods_for(user: User) -> QuerySet[Period]:
    """Every reader of the appraisal sees every period; what she sees inside one is scoped by
    rows_visible_to. The count shown is hers too."""
    return Period.objects.select_related("scheme", "finalised_by").annotate(
        row_count=Count("rows", filter=Q(rows__in=_visible_rows(user)))
    )


def adjustments_of(row: Row) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(score__row=row).select_related("by", "score")


def account_lines(row: Row) -> QuerySet[AccountLine]:
    return (
        AccountLine.objects.filter(period=row.period, kam=row.kam)
        .select_related("account")
        .order_by("account__name")
    )


@dataclass
class OverviewRow:
    """A ranking line of the overview, as plain values: 500 KAMs × 7 scores render without
    building a model instance per score."""

    kam_id: int
    kam: str
    team: str
    rank: int | None
    total: Decimal | None
    figures: dict
    cells: list = field(default_factory=list)  # (final score, adjusted?, figure) per dimension


def overview_rows(rows: QuerySet[Row]) -> list[OverviewRow]:
    """Two queries: the rows with their KAM and team names, then every score of them."""
    lines = {
        pk: OverviewRow(kam_id, name or username, team or "", rank, total, figures)
        for pk, kam_id, name, username, team, rank, total, figures in rows.order_by(
            "rank", "kam__name", "pk"
        ).values_list(
            "pk", "kam_id", "kam__name", "kam__username", "team__name", "rank", "total", "figures"
        )
    }
    scores = Score.objects.filter(row__in=rows).order_by("row_id", "dimension")
    for row_id, score, adjusted, figure in scores.values_list(
        "row_id", "score", "adjusted", "figure"
    ):
        if row_id in lines:
            final = adjusted if adjusted is not None else score
            lines[row_id].cells.append((final, adjusted is not None, figure))
    return list(lines.values())


MONEY_FIGURES = ("invoiced", "collected", "overdue")
COUNT_FIGURES = ("new_accounts", "lost_accounts")


def totals(rows: QuerySet[Row]) -> dict:
    """The overview's totals line, summed by the database from the rows' stored figures."""
    money = DecimalField(max_digits=16, decimal_places=2)
    sums = {n: Coalesce(Sum(Cast(KT(f"figures__{n}"), money)), Decimal(0)) for n in MONEY_FIGURES}
    counts = {n: Coalesce(Sum(Cast(KT(f"figures__{n}"), IntegerField())), 0) for n in COUNT_FIGURES}
    return rows.aggregate(**sums, **counts, average=Avg("total"), kams=Count("pk"))
