"""The receivables view (应收账款): outstanding and overdue by aging bucket per company, team,
KAM and account, the collection rate per period, and the accounts most overdue. Scoped like
the account list; every figure is summed by the database.

Collection rate of a period (回款率) = payments received in the period ÷ (what the customers
owed when it began + what was invoiced during it). Credit held lowers what they owed; a
period with nothing owed and nothing invoiced has no rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Q, QuerySet

from accounts.selectors import accounts_visible_to
from kam.models import Team, User
from kam.money import ZERO, money_sum, percent
from receivables.aging import OVER_90, bucket_q
from receivables.models import CollectionAction, Invoice, Payment
from receivables.selectors.account import OPEN, OUTSTANDING, Aging, bucket_sums

# What a row of the aging table is, at each level: (id path, display fields).
LEVELS: dict[str, tuple[str, tuple[str, ...]]] = {
    "team": ("account__owner__team", ("account__owner__team__name",)),
    "kam": ("account__owner", ("account__owner__name", "account__owner__username")),
    "account": (
        "account",
        ("account__name", "account__owner__name", "account__owner__username", "account__tier"),
    ),
}


def scoped_accounts(user: User, team: Team | None = None, owner: User | None = None):
    """Accounts the user may see in the list, narrowed to a team or a KAM. Retired accounts
    stay: their receivables are still to be collected."""
    qs = accounts_visible_to(user)
    if team is not None:
        qs = qs.filter(owner__team=team)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.values("pk")


def open_invoices_in(accounts) -> QuerySet[Invoice]:
    return Invoice.objects.filter(OPEN, account__in=accounts)


def aging_total(accounts, on: dt.date) -> tuple[Aging, Decimal]:
    """The scope's aging and the credit its customers hold."""
    row = open_invoices_in(accounts).aggregate(**bucket_sums(on))
    credit = Payment.objects.filter(account__in=accounts, reversed_at__isnull=True).aggregate(
        credit=money_sum("amount") - money_sum("applied")
    )["credit"]
    return Aging.from_row(row), credit


def aging_rows(accounts, level: str, on: dt.date) -> QuerySet:
    """One row per team, KAM or account with open invoices, the most overdue first."""
    key, names = LEVELS[level]
    return (
        open_invoices_in(accounts)
        .values(key, *names)
        .annotate(**bucket_sums(on))
        .order_by("-overdue", "-total", key)
    )


# Periods and the collection rate --------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # the first day after the period
    label: str


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def periods(kind: str, on: dt.date, count: int | None = None) -> list[Period]:
    """The last `count` months or quarters up to the one containing `on`, oldest first."""
    step = 3 if kind == "quarter" else 1
    count = count or (8 if kind == "quarter" else 12)
    current = _month_start(on, (on.month - 1) % step)
    result = []
    for i in range(count - 1, -1, -1):
        start = _month_start(current, i * step)
        end = _month_start(start, -step)
        if kind == "quarter":
            label = f"{start.year}Q{(start.month - 1) // 3 + 1}"
        else:
            label = f"{start:%Y-%m}"
        result.append(Period(start, end, label))
    return result


@dataclass(frozen=True)
class Collection:
    label: str
    collected: Decimal
    base: Decimal  # owed at the start plus invoiced during the period

    @property
    def rate(self) -> Decimal | None:
        return percent(self.collected, self.base)


def collection_series(accounts, spans: list[Period]) -> list[Collection]:
    """The collection rate of each period: two queries, however many periods."""
    invoices = Invoice.objects.filter(account__in=accounts, is_cancelled=False)
    payments = Payment.objects.filter(account__in=accounts, reversed_at__isnull=True)
    invoiced = invoices.aggregate(
        **{f"i{n}": money_sum("amount", Q(issued_on__lt=p.end)) for n, p in enumerate(spans)}
    )
    received = payments.aggregate(
        **{f"b{n}": money_sum("amount", Q(received_on__lt=p.start)) for n, p in enumerate(spans)},
        **{
            f"d{n}": money_sum("amount", Q(received_on__gte=p.start, received_on__lt=p.end))
            for n, p in enumerate(spans)
        },
    )
    return [
        Collection(p.label, received[f"d{n}"], invoiced[f"i{n}"] - received[f"b{n}"])
        for n, p in enumerate(spans)
    ]


def collection_by_row(accounts, level: str, span: Period, keys: list | None = None) -> dict:
    """The period's collection per team, KAM or account (limited to `keys` when given)."""
    key, _names = LEVELS[level]
    invoices = Invoice.objects.filter(account__in=accounts, is_cancelled=False)
    payments = Payment.objects.filter(account__in=accounts, reversed_at__isnull=True)
    if keys is not None:
        wanted = Q(**{f"{key}__in": [k for k in keys if k is not None]})
        if None in keys:  # the row of KAMs without a team
            wanted |= Q(**{f"{key}__isnull": True})
        invoices, payments = invoices.filter(wanted), payments.filter(wanted)
    invoiced = dict(
        invoices.filter(issued_on__lt=span.end)
        .values(key)
        .annotate(v=money_sum("amount"))
        .values_list(key, "v")
    )
    received = {
        row[key]: row
        for row in payments.filter(received_on__lt=span.end)
        .values(key)
        .annotate(
            before=money_sum("amount", Q(received_on__lt=span.start)),
            during=money_sum("amount", Q(received_on__gte=span.start)),
        )
    }
    result = {}
    for k in invoiced.keys() | received.keys():
        paid = received.get(k, {"before": ZERO, "during": ZERO})
        base = invoiced.get(k, ZERO) - paid["before"]
        result[k] = Collection(span.label, paid["during"], base)
    return result


# The accounts most overdue --------------------------------------------------------------------


def top_overdue(accounts, on: dt.date, limit: int = 10) -> list[dict]:
    """The accounts with the most overdue, with their oldest due date and last chase."""
    rows = list(
        open_invoices_in(accounts)
        .filter(due_on__lt=on)
        .values("account", "account__name", "account__owner__name", "account__owner__username")
        .annotate(
            overdue=money_sum(OUTSTANDING),
            over_90=money_sum(OUTSTANDING, bucket_q(OVER_90, on)),
            oldest=Min("due_on"),
        )
        .order_by("-overdue", "account__name")[:limit]
    )
    last = dict(
        CollectionAction.objects.filter(account__in=[r["account"] for r in rows])
        .values("account")
        .annotate(last=Max("acted_on"))
        .values_list("account", "last")
    )
    for row in rows:
        row["days"] = (on - row["oldest"]).days
        row["last_action"] = last.get(row["account"])
    return rows
