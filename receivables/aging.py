"""Aging of receivables (账龄): pure rules, tested without a database.

An invoice is *not due* up to and including its due date (day 0). From the next day it is
1–30, 31–60, 61–90 or over 90 days overdue. The same boundaries are written once as dates,
for SQL (`bucket_q`), and once as day counts, for Python (`bucket_of`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

NOT_DUE, D1_30, D31_60, D61_90, OVER_90 = "not_due", "d1_30", "d31_60", "d61_90", "over_90"

# (key, label, first day overdue, last day overdue or None)
BUCKETS: tuple[tuple[str, object, int | None, int | None], ...] = (
    (NOT_DUE, _("Not due"), None, 0),
    (D1_30, _("1–30 days"), 1, 30),
    (D31_60, _("31–60 days"), 31, 60),
    (D61_90, _("61–90 days"), 61, 90),
    (OVER_90, _("Over 90 days"), 91, None),
)
BUCKET_KEYS = tuple(b[0] for b in BUCKETS)
OVERDUE_KEYS = BUCKET_KEYS[1:]
BUCKET_LABELS = {key: label for key, label, *_rest in BUCKETS}
# Bootstrap colours from calm to alarming, for badges and chart bars.
BUCKET_TONES = {
    NOT_DUE: "success",
    D1_30: "info",
    D31_60: "warning",
    D61_90: "orange",
    OVER_90: "danger",
}


def days_overdue(due_on: dt.date, on: dt.date) -> int:
    return (on - due_on).days


def bucket_of(days: int) -> str:
    for key, _label, first, last in BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return key
    raise AssertionError(days)  # the buckets cover every integer


def bucket_q(key: str, on: dt.date, field: str = "due_on") -> Q:
    """The same bucket as a filter on the due date, as seen on day `on`."""
    _key, _label, first, last = next(b for b in BUCKETS if b[0] == key)
    q = Q()
    if last is not None:  # at most `last` days overdue: due on or after on - last
        q &= Q(**{f"{field}__gte": on - dt.timedelta(days=last)})
    if first is not None:
        q &= Q(**{f"{field}__lte": on - dt.timedelta(days=first)})
    return q


def overdue_q(on: dt.date, field: str = "due_on") -> Q:
    return Q(**{f"{field}__lt": on})
