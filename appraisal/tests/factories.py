"""A scored period built straight in the database, for tests that are not about metrics."""

from __future__ import annotations

from decimal import Decimal

from appraisal import scoring, services
from appraisal.models import Dimension, Period, PeriodKind, PeriodStatus, Row, Score
from appraisal.periods import period_get_or_create


def scored_period(kams, *, year: int = 2026, quarter: int = 3) -> Period:
    """Every KAM in `kams` gets a row; KAM n scores 90 − 10n on every dimension."""
    scheme = services.scheme_default()
    period = period_get_or_create(kind=PeriodKind.QUARTER, year=year, quarter=quarter)
    for n, kam in enumerate(kams):
        value = Decimal(90 - 10 * n)
        row = Row.objects.create(
            period=period,
            kam=kam,
            team=kam.team,
            figures={"invoiced": "100000.00", "new_accounts": 1, "lost_accounts": 0},
            total=value,
            rank=n + 1,
        )
        Score.objects.bulk_create(
            Score(
                row=row,
                dimension=d,
                figure=value,
                score=value,
                weight=scoring.DEFAULT_RULES[d].weight,
            )
            for d in Dimension.values
        )
    period.status = PeriodStatus.SCORED
    period.scheme = scheme
    period.save()
    return period
