"""Reminders about archives: semiannual reviews (§11), account events (articles 4–6), overdue
receivables and complaints past their deadline (§4)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.aging import BUCKETS, money_text
from accounts.complaints import overdue_q as complaint_overdue_q
from accounts.models import AccountEvent, Complaint, Invoice, KeyAccount
from accounts.receivables import receivables_url
from accounts.selectors import REVIEW_INTERVAL_DAYS
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
            title=ngettext(
                "%(n)d archive is due for its semiannual review",
                "%(n)d archives are due for their semiannual review",
                len(accounts),
            )
            % {"n": len(accounts)},
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


def _names(accounts: list[tuple[int, str]], shown: int = 20) -> str:
    names = "、".join(name for _pk, name in accounts[:shown])
    if len(accounts) > shown:
        names += _(" and %(n)d more") % {"n": len(accounts) - shown}
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
            title=_("%(date)s %(account)s: %(event)s")
            % {"date": when.strftime("%m-%d"), "account": event.account.name, "event": event.title},
            url=reverse("accounts:detail", args=[event.account_id]),
        )
        for event, when in _upcoming(today)
    ]
    return notify_many(rows)


# Money --------------------------------------------------------------------------------------

# Days overdue on which an unpaid invoice is reminded: the first day of each aging bucket
# (1, 31, 61, 91), so a reminder says "this invoice has moved to a worse bucket".
MILESTONES = tuple(first for _key, _label, first, _last in BUCKETS if first)
# From this many days overdue the owner's sales manager hears of it too (61–90, over 90).
ESCALATE_DAYS = 61


def _invoices_at_milestones(today: dt.date):
    """Unpaid, live invoices reaching a milestone today, with what the messages need."""
    return (
        Invoice.objects.filter(
            is_cancelled=False,
            paid__lt=F("amount"),
            due_on__in=[today - dt.timedelta(days=d) for d in MILESTONES],
            account__is_archived=False,
        )
        .order_by("account_id", "due_on", "pk")
        .values(
            "pk",
            "number",
            "due_on",
            "amount",
            "paid",
            "account_id",
            account_name=F("account__name"),
            owner=F("account__owner_id"),
            owner_active=F("account__owner__is_active"),
            manager=F("account__owner__team__manager_id"),
            manager_active=F("account__owner__team__manager__is_active"),
        )
    )


def _invoice_line(number: str, due_on: dt.date, balance, today: dt.date) -> str:
    days = (today - due_on).days
    return ngettext(
        "%(number)s: %(amount)s yuan, due %(due)s, %(days)d day overdue",
        "%(number)s: %(amount)s yuan, due %(due)s, %(days)d days overdue",
        days,
    ) % {"number": number, "amount": money_text(balance), "due": due_on.isoformat(), "days": days}


def receivable_reminders(today: dt.date) -> int:
    """Unpaid invoices on the day they pass 1, 31, 61 and 91 days overdue (the aging buckets):
    once per invoice and milestone, grouped into one reminder per account and day for the
    owner KAM, and for her sales manager from 61 days on. A reminder lists the invoices and
    links to the account's receivables."""
    groups: dict[tuple[int, int], list] = defaultdict(list)
    names = {}
    for row in _invoices_at_milestones(today):
        account = row["account_id"]
        names[account] = row["account_name"]
        line = (row["pk"], row["number"], row["due_on"], row["amount"] - row["paid"])
        if row["owner_active"]:
            groups[(row["owner"], account)].append(line)
        escalate = (today - row["due_on"]).days >= ESCALATE_DAYS
        if escalate and row["manager_active"] and row["manager"] != row["owner"]:
            groups[(row["manager"], account)].append(line)
    rows = []
    for (recipient, account), lines in groups.items():
        total = sum(balance for *_rest, balance in lines)
        rows.append(
            Notification(
                recipient_id=recipient,
                kind="receivable_overdue",
                key=f"receivable_overdue:{account}:{today.isoformat()}",
                title=ngettext(
                    "%(account)s: %(n)d invoice overdue, %(amount)s yuan",
                    "%(account)s: %(n)d invoices overdue, %(amount)s yuan",
                    len(lines),
                )
                % {"account": names[account], "n": len(lines), "amount": money_text(total)},
                body="\n".join(_invoice_line(n, d, b, today) for _pk, n, d, b in lines),
                url=receivables_url(account, f"invoice-{lines[0][0]}"),
            )
        )
    return notify_many(rows)


def complaint_reminders(today: dt.date) -> int:
    """On the first day past its deadline, an open complaint is reminded once to its handler
    and to the sales manager of the account's owner."""
    late = (
        Complaint.objects.filter(complaint_overdue_q(today), due_on=today - dt.timedelta(days=1))
        .filter(account__is_archived=False)
        .values_list(
            "pk",
            "subject",
            "due_on",
            "account_id",
            "account__name",
            "handler_id",
            "handler__is_active",
            "account__owner__team__manager_id",
            "account__owner__team__manager__is_active",
        )
    )
    rows = []
    for pk, subject, due_on, account, name, handler, h_active, manager, m_active in late:
        recipients = {r for r, active in ((handler, h_active), (manager, m_active)) if r and active}
        rows += [
            Notification(
                recipient_id=recipient,
                kind="complaint_overdue",
                key=f"complaint_overdue:{pk}",
                title=_("Complaint past its deadline: %(subject)s (%(account)s)")
                % {"subject": subject, "account": name},
                body=_("The deadline was %(date)s.") % {"date": due_on.isoformat()},
                url=reverse("accounts:complaint_detail", args=[account, pk]),
            )
            for recipient in recipients
        ]
    return notify_many(rows)
