"""Appraisal periods (§17): quarters settle at their closing date, years before 15 January."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from appraisal.models import Period, PeriodKind
from visits.months import month_end

YEAR_SETTLE = (1, 14)  # "before 15 January of the following year"


def bounds(kind: str, year: int, quarter: int | None) -> tuple[dt.date, dt.date, dt.date]:
    """(starts_on, ends_on, settle_by) of a period."""
    if kind == PeriodKind.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), dt.date(year + 1, *YEAR_SETTLE)
    first = dt.date(year, quarter * 3 - 2, 1)
    end = month_end(dt.date(year, quarter * 3, 1))
    return first, end, end


def period_get_or_create(*, kind: str, year: int, quarter: int | None = None) -> Period:
    quarter = None if kind == PeriodKind.YEAR else quarter
    found = Period.objects.filter(kind=kind, year=year, quarter=quarter).first()
    if found:
        return found
    starts_on, ends_on, settle_by = bounds(kind, year, quarter)
    try:
        with transaction.atomic():
            return Period.objects.create(
                kind=kind,
                year=year,
                quarter=quarter,
                starts_on=starts_on,
                ends_on=ends_on,
                settle_by=settle_by,
            )
    except IntegrityError:  # a concurrent run made it first
        return Period.objects.get(kind=kind, year=year, quarter=quarter)


def periods_ensure(today: dt.date) -> list[Period]:
    """This year's quarters up to the current one and the year itself, and last year's when
    its settlement is still ahead (so the January job finds it)."""
    made = [period_get_or_create(kind=PeriodKind.YEAR, year=today.year)]
    for quarter in range(1, (today.month - 1) // 3 + 2):
        made.append(period_get_or_create(kind=PeriodKind.QUARTER, year=today.year, quarter=quarter))
    if today <= dt.date(today.year, *YEAR_SETTLE):
        made.append(period_get_or_create(kind=PeriodKind.YEAR, year=today.year - 1))
        made.append(period_get_or_create(kind=PeriodKind.QUARTER, year=today.year - 1, quarter=4))
    return made
