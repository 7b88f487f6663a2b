"""The shell's own contributions to the home page (registered in KamConfig.ready): the
sections the to-do list is grouped in, and the card of unread reminders."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam.models import User
from kam.registry import WorkSection

# Items name their section by key; an app may register more sections of its own.
SECTIONS = [
    WorkSection("overdue", pgettext_lazy("workbench", "Overdue"), order=10),
    WorkSection("today", pgettext_lazy("workbench", "Today"), order=20),
    WorkSection("this_week", pgettext_lazy("workbench", "This week"), order=30),
    WorkSection("this_month", pgettext_lazy("workbench", "This month"), order=40),
    WorkSection("decide", pgettext_lazy("workbench", "Waiting for your decision"), order=50),
    WorkSection("watch", pgettext_lazy("workbench", "To keep an eye on"), order=60),
    WorkSection("", _("Other"), order=90),
]


def reminders_panel(user: User, today: dt.date) -> dict | None:
    return {"notifications": user.notifications.filter(read_at__isnull=True)[:5], "today": today}
