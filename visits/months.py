"""Month arithmetic for plans and records: a month is the date of its first day."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def this_month() -> dt.date:
    return month_of(timezone.localdate())


def next_month() -> dt.date:
    return add_months(this_month(), 1)


def parse_month(text: str | None, default: dt.date | None = None) -> dt.date | None:
    """'2026-05' → 2026-05-01; anything else → default (a bad query string is not an error)."""
    match = MONTH_RE.match((text or "").strip())
    if not match:
        return default
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return default
    return dt.date(year, month, 1)
