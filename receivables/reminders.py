"""Reminders about receivables (§4): unpaid invoices as they pass into a worse aging bucket."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F
from django.utils.translation import ngettext_lazy

from kam.messages import Message, joined, message
from kam.models import Notification
from kam.money import money_text
from kam.services import notify_many
from receivables.aging import BUCKETS
from receivables.models import Invoice
from receivables.services.common import receivables_url

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


def _invoice_line(number: str, due_on: dt.date, balance, today: dt.date) -> Message:
    days = (today - due_on).days
    return message(
        ngettext_lazy(
            "%(number)s: %(amount)s yuan, due %(due)s, %(days)d day overdue",
            "%(number)s: %(amount)s yuan, due %(due)s, %(days)d days overdue",
            "days",
        ),
        number=number,
        amount=money_text(balance),
        due=due_on.isoformat(),
        days=days,
    )


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
                title=message(
                    ngettext_lazy(
                        "%(account)s: %(n)d invoice overdue, %(amount)s yuan",
                        "%(account)s: %(n)d invoices overdue, %(amount)s yuan",
                        "n",
                    ),
                    account=names[account],
                    n=len(lines),
                    amount=money_text(total),
                ),
                body=joined((_invoice_line(n, d, b, today) for _pk, n, d, b in lines), "\n"),
                url=receivables_url(account, f"invoice-{lines[0][0]}"),
                # The oldest due date: the inbox then says how long overdue it is when read.
                due_on=min(d for _pk, _n, d, _b in lines),
            )
        )
    return notify_many(rows)
