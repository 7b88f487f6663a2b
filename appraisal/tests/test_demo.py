"""The demo agrees with itself: everything it generates for a period it scores (invoices,
payments, visits, complaints…) is written before the scoring, so scoring that period again
the same day changes no score and no figure."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from appraisal import rollup
from appraisal.models import Period, PeriodStatus, Row, Score
from kam.demo import build_demo
from kam.models import User
from kam.roles import Role

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def scores(period) -> dict:
    return {
        (s.row.kam_id, s.dimension): (s.figure, s.score, s.adjusted)
        for s in Score.objects.filter(row__period=period).select_related("row")
    }


def rows(period) -> dict:
    return {r.kam_id: (r.figures, r.total, r.rank) for r in Row.objects.filter(period=period)}


@pytest.mark.parametrize(
    "now",
    [dt.datetime(2026, 11, 27, 10, tzinfo=SH), dt.datetime(2027, 2, 3, 10, tzinfo=SH)],
    ids=["november", "february"],
)
def test_scoring_a_demo_scored_period_again_changes_nothing(now):
    with time_machine.travel(now, tick=False):
        build_demo()
        scored = Period.objects.filter(status=PeriodStatus.SCORED).order_by("starts_on")
        assert scored.exists()
        admin = User.objects.get(role=Role.ADMIN)
        for period in scored:
            before_scores, before_rows = scores(period), rows(period)
            assert before_scores
            rollup.period_rollup(period=period, by=admin, today=timezone.localdate())
            changed = {
                k: (v, scores(period).get(k))
                for k, v in before_scores.items()
                if scores(period).get(k) != v
            }
            assert changed == {}, f"{period}: {changed}"
            assert rows(period) == before_rows
