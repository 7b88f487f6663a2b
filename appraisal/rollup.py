"""The rollup: every KAM's figures and scores for a period, written in one transaction.

Run by the daily job the day after a period closes, and on demand by an administrator while
the period is not final. Figures are taken on the day of the run, for the period's days only:
a run a fortnight after the close also counts the last month's visit record, due by the 5th.
A repeated rollup refreshes figures and computed scores in place and keeps the sales
managers' adjustments (and their reasons) as they are. A period is scored with the scheme it
was first scored with, unless the administrator picks another before it is final.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from appraisal import metrics, scoring
from appraisal.models import AccountLine, Period, PeriodStatus, Row, Scheme, Score, Target
from appraisal.services import period_lock, scheme_default, scheme_rules
from kam import roles
from kam.models import User


def as_json(values: dict) -> dict:
    """Decimals as text, so JSON keeps every cent."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _targets(period: Period) -> dict[int, scoring.Targets]:
    return {
        t.kam_id: scoring.Targets(t.sales, t.new_accounts, t.collections)
        for t in Target.objects.filter(period=period)
    }


@transaction.atomic
def period_rollup(
    *, period: Period, by: User | None = None, today: dt.date, scheme: Scheme | None = None
) -> int:
    """Scores every active KAM for the period; returns how many rows it wrote. `by` None is the
    scheduled job."""
    if by is not None and not roles.can_manage_appraisal(by):
        raise PermissionDenied
    period = period_lock(period)
    scheme = scheme or period.scheme or scheme_default()
    rules = scheme_rules(scheme)
    as_of = today  # figures taken today, for the period's days up to today
    raw = metrics.kam_figures(start=period.starts_on, end=period.ends_on, as_of=as_of)
    kams = {u.pk: u.team_id for u in User.objects.filter(pk__in=raw).only("pk", "team_id")}
    targets = _targets(period)
    adjusted = {
        (kam, dim): value
        for kam, dim, value in Score.objects.filter(
            row__period=period, adjusted__isnull=False
        ).values_list("row__kam_id", "dimension", "adjusted")
    }
    computed, totals = {}, {}
    for kam_id, figures in raw.items():
        dims = scoring.dimension_figures(figures, targets.get(kam_id, scoring.Targets()))
        scores = {d: (f, scoring.score(f, rules[d])) for d, f in dims.items()}
        computed[kam_id] = scores
        totals[kam_id] = scoring.total(
            (adjusted.get((kam_id, d), s), rules[d].weight) for d, (_f, s) in scores.items()
        )
    ranks = scoring.ranks(totals)
    _write_rows(period, raw, kams, targets, totals, ranks)
    _write_scores(period, computed, rules)
    _write_account_lines(period, as_of)
    period.status = PeriodStatus.SCORED
    period.scheme = scheme
    period.scored_at = timezone.now()
    period.scored_as_of = as_of
    period.save()
    return len(raw)


def _write_rows(period, raw, kams, targets, totals, ranks) -> None:
    rows = []
    for kam_id, figures in raw.items():
        target = targets.get(kam_id, scoring.Targets())
        stored = as_json(figures) | {"targets": as_json(vars(target))}
        rows.append(
            Row(
                period=period,
                kam_id=kam_id,
                team_id=kams.get(kam_id),
                figures=stored,
                total=totals[kam_id],
                rank=ranks[kam_id],
            )
        )
    Row.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["period", "kam"],
        update_fields=["team", "figures", "total", "rank"],
        batch_size=1000,
    )
    # KAMs who have left since an earlier rollup: their unadjusted rows go (they are derived).
    gone = Row.objects.filter(period=period).exclude(kam_id__in=raw)
    Score.objects.filter(row__in=gone, adjustments__isnull=True).delete()
    gone.filter(scores__isnull=True).delete()


def _write_scores(period, computed, rules) -> None:
    row_ids = dict(Row.objects.filter(period=period).values_list("kam_id", "pk"))
    scores = [
        Score(
            row_id=row_ids[kam_id],
            dimension=d,
            figure=figure,
            score=score,
            weight=rules[d].weight,
        )
        for kam_id, dims in computed.items()
        for d, (figure, score) in dims.items()
    ]
    Score.objects.bulk_create(
        scores,
        update_conflicts=True,
        unique_fields=["row", "dimension"],
        update_fields=["figure", "score", "weight"],
        batch_size=2000,
    )


def _write_account_lines(period, as_of) -> None:
    lines = metrics.account_figures(start=period.starts_on, end=period.ends_on, as_of=as_of)
    AccountLine.objects.filter(period=period).delete()  # derived, rewritten whole
    AccountLine.objects.bulk_create(
        (
            AccountLine(
                period=period, account_id=pk, kam_id=values.get("kam_id"), figures=as_json(values)
            )
            for pk, values in lines.items()
        ),
        batch_size=2000,
    )
