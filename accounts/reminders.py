"""Reminders about archives: semiannual reviews (§11) and account events (articles 4–6)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import Max, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.models import AccountEvent, KeyAccount
from accounts.selectors import REVIEW_INTERVAL_DAYS
from kam.messages import Message, joined, message
from kam.models import Notification
from kam.services import notify_many

EVENT_NOTICE_DAYS = 3


def review_reminders(today: dt.date) -> int:
    """Once a month, to each owner whose archives are overdue for their semiannual review
    (§11): one reminder naming them, not one per archive, so a KAM who takes over forty
    overdue archives at once finds one line in her inbox, not forty."""
    cutoff = today - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    overdue = (
        KeyAccount.objects.filter(is_archived=False, owner__is_active=True)
        .exclude(status="lost")
        .annotate(since=Coalesce(Max("reviews__reviewed_on"), TruncDate("created_at")))
        .filter(since__lt=cutoff)
        .order_by("owner_id", "since", "name")
        .values_list("pk", "name", "owner_id")
    )
    by_owner: dict[int, list[tuple[int, str]]] = {}
    for pk, name, owner_id in overdue:
        by_owner.setdefault(owner_id, []).append((pk, name))
    rows = [
        Notification(
            recipient_id=owner_id,
            kind="review_due",
            key=f"review_due:{today:%Y-%m}",
            title=message(
                ngettext_lazy(
                    "%(n)d archive is due for its semiannual review",
                    "%(n)d archives are due for their semiannual review",
                    "n",
                ),
                n=len(accounts),
            ),
            body=_names(accounts),
            url=(
                reverse("accounts:review_new", args=[accounts[0][0]])
                if len(accounts) == 1
                else reverse("accounts:reviews_overdue")
            ),
        )
        for owner_id, accounts in by_owner.items()
    ]
    return notify_many(rows)


def _names(accounts: list[tuple[int, str]], shown: int = 20) -> str | Message:
    names = "、".join(name for _pk, name in accounts[:shown])
    if len(accounts) > shown:
        more = message(gettext_lazy(" and %(n)d more"), n=len(accounts) - shown)
        return joined([names, more], "")
    return names


def occurrence(event_date: dt.date, year: int) -> dt.date:
    """This year's date of a yearly event; 29 February falls on the 28th in common years."""
    if event_date.month == 2 and event_date.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return event_date.replace(year=year)


def _upcoming(today: dt.date):
    horizon = today + dt.timedelta(days=EVENT_NOTICE_DAYS)
    events = AccountEvent.objects.filter(
        is_cancelled=False, account__is_archived=False, account__owner__is_active=True
    ).filter(Q(yearly=True) | Q(date__range=(today, horizon)))
    for event in events.select_related("account"):
        for year in {today.year, horizon.year}:
            when = occurrence(event.date, year) if event.yearly else event.date
            if today <= when <= horizon:
                yield event, when
                break


def event_reminders(today: dt.date) -> int:
    """A few days ahead of anniversaries, honours and other dated events, to the owner."""
    rows = [
        Notification(
            recipient_id=event.account.owner_id,
            kind="account_event",
            key=f"account_event:{event.pk}:{when.isoformat()}",
            title=message(
                gettext_lazy("%(date)s %(account)s: %(event)s"),
                date=when.strftime("%m-%d"),
                account=event.account.name,
                event=event.title,
            ),
            url=reverse("accounts:detail", args=[event.account_id]),
        )
        for event, when in _upcoming(today)
    ]
    return notify_many(rows)
