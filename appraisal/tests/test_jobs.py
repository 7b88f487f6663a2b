"""The appraisal's jobs on a frozen calendar: the rollup the day after a period closes, and
the sales VP's reminder to finalise."""

import datetime as dt

import pytest
from django.utils import translation

from appraisal.models import Period, PeriodKind, PeriodStatus
from appraisal.periods import period_get_or_create
from appraisal.reminders import appraisal_rollup, finalise_reminders
from kam.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Titles are checked word for word in English (the msgids)."""
    with translation.override("en"):
        yield


def _q3():
    return Period.objects.get(kind=PeriodKind.QUARTER, year=2026, quarter=3)


def test_rollup_runs_the_day_after_the_quarter_closes_and_tells_the_line(cast):
    appraisal_rollup(dt.date(2026, 9, 30))  # scores Q1 and Q2, which closed earlier
    assert _q3().status == PeriodStatus.OPEN
    created = appraisal_rollup(dt.date(2026, 10, 1))
    q3 = _q3()
    assert q3.status == PeriodStatus.SCORED and q3.scored_as_of == dt.date(2026, 10, 1)
    assert set(q3.rows.values_list("kam__username", flat=True)) == {"owner", "otherkam"}
    told = set(
        Notification.objects.filter(kind="appraisal_scored", key__endswith=f":{q3.pk}").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"salesvp", "admin", cast.manager.username, cast.other_manager.username}
    assert created == 4
    # The next day: nothing is scored or told twice.
    assert appraisal_rollup(dt.date(2026, 10, 2)) == 0
    assert Notification.objects.filter(kind="appraisal_scored").count() == 3 * 4


def test_the_year_is_scored_on_1_january(cast):
    appraisal_rollup(dt.date(2026, 12, 31))
    year = Period.objects.get(kind=PeriodKind.YEAR, year=2026)
    assert year.status == PeriodStatus.OPEN
    appraisal_rollup(dt.date(2027, 1, 1))
    year.refresh_from_db()
    assert year.status == PeriodStatus.SCORED
    assert year.settle_by == dt.date(2027, 1, 14)


def test_vp_is_reminded_a_week_after_a_quarter_closes(cast):
    q3 = period_get_or_create(kind=PeriodKind.QUARTER, year=2026, quarter=3)
    Period.objects.filter(pk=q3.pk).update(status=PeriodStatus.SCORED)
    assert finalise_reminders(dt.date(2026, 10, 6)) == 0
    assert finalise_reminders(dt.date(2026, 10, 7)) == 1
    assert finalise_reminders(dt.date(2026, 10, 8)) == 0
    note = Notification.objects.get(kind="appraisal_finalise")
    assert note.recipient == cast.sales_vp and note.url.endswith(f"/appraisal/{q3.pk}/")
    assert note.due_on == q3.settle_by and str(q3.settle_by) not in note.title
    # Settled by its close, so a week later the reminder says it is overdue.
    assert note.title == f"Appraisal {q3.label} is overdue for finalisation"


def test_vp_is_reminded_of_the_year_three_days_before_15_january(cast):
    year = period_get_or_create(kind=PeriodKind.YEAR, year=2026)
    Period.objects.filter(pk=year.pk).update(status=PeriodStatus.SCORED)
    assert finalise_reminders(dt.date(2027, 1, 10)) == 0
    assert finalise_reminders(dt.date(2027, 1, 11)) == 1
    note = Notification.objects.get(kind="appraisal_finalise")
    assert note.due_on == dt.date(2027, 1, 14) > dt.date(2027, 1, 11)
    assert note.title == f"Finalise appraisal {year.label}"
    Period.objects.filter(pk=year.pk).update(status=PeriodStatus.FINAL)
    assert finalise_reminders(dt.date(2027, 1, 12)) == 0
