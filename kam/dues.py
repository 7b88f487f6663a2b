"""Deadlines as people read them: "due in 3 days", "due today", "overdue by 2 days".

Worded when a page is rendered, never when a reminder is written: a reminder stored on the
20th that named the 25th as its deadline would still name it on the 30th. The to-do list and
the inbox both ask here, so a deadline reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# From this many days before a deadline a to-do line turns "soon" (amber).
SOON_DAYS = 3


def days_left(due_on: dt.date, today: dt.date) -> int:
    """Negative once the deadline has passed."""
    return (due_on - today).days


def urgency_for(due_on: dt.date | None, today: dt.date, soon_days: int = SOON_DAYS) -> str:
    """The to-do list's urgency of a deadline: "overdue", "soon" or "normal"."""
    if due_on is None:
        return "normal"
    left = days_left(due_on, today)
    if left < 0:
        return "overdue"
    return "soon" if left <= soon_days else "normal"


def due_text(due_on: dt.date | None, today: dt.date) -> str:
    if due_on is None:
        return ""
    left = days_left(due_on, today)
    if left < 0:
        return ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", -left) % {"n": -left}
    if left == 0:
        return _("Due today")
    return ngettext("Due %(date)s, %(n)d day left", "Due %(date)s, %(n)d days left", left) % {
        "date": due_on.isoformat(),
        "n": left,
    }
