"""Reads of one account's contracts and receivables. Callers have already checked that the user
may read the archive (accounts.selectors.archive_for_user)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import KeyAccount
from kam.money import MONEY_FIELD, ZERO, ZERO_VALUE, money_sum, percent
from receivables.aging import (
    BUCKET_KEYS,
    BUCKET_LABELS,
    BUCKET_TONES,
    OVERDUE_KEYS,
    bucket_of,
    bucket_q,
    days_overdue,
)
from receivables.models import (
    CollectionAction,
    Contract,
    Invoice,
    Payment,
    PaymentAllocation,
    Reconciliation,
)

OPEN = Q(is_cancelled=False) & Q(paid__lt=F("amount"))
OUTSTANDING = ExpressionWrapper(F("amount") - F("paid"), output_field=MONEY_FIELD)


def bucket_sums(on: dt.date, prefix: str = "") -> dict:
    """Aggregates over open invoices: outstanding per aging bucket, in total and overdue."""
    sums = {
        key: money_sum(OUTSTANDING, bucket_q(key, on, f"{prefix}due_on")) for key in BUCKET_KEYS
    }
    sums["total"] = money_sum(OUTSTANDING)
    sums["overdue"] = money_sum(OUTSTANDING, Q(**{f"{prefix}due_on__lt": on}))
    return sums


@dataclass
class Aging:
    """Outstanding by bucket, for an account, a KAM, a team or the company."""

    buckets: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKET_KEYS, ZERO))
    total: Decimal = ZERO
    overdue: Decimal = ZERO

    @classmethod
    def from_row(cls, row: dict) -> Aging:
        return cls({k: row[k] for k in BUCKET_KEYS}, row["total"], row["overdue"])

    @property
    def cells(self) -> list[tuple[str, object, Decimal, str]]:
        return [(k, BUCKET_LABELS[k], self.buckets[k], BUCKET_TONES[k]) for k in BUCKET_KEYS]

    @property
    def shares(self) -> list[tuple[str, object, Decimal, str, Decimal]]:
        """The non-empty buckets with their share of the total, for a stacked bar."""
        return [
            (k, label, amount, tone, percent(amount, self.total))
            for k, label, amount, tone in self.cells
            if amount
        ]

    @property
    def overdue_share(self) -> Decimal | None:
        return percent(self.overdue, self.total)

    @property
    def over_90(self) -> Decimal:
        return self.buckets[OVERDUE_KEYS[-1]]


@dataclass
class AccountMoney:
    aging: Aging
    credit: Decimal

    @property
    def net(self) -> Decimal:
        """What the customer owes once the credit he holds is set against it."""
        return self.aging.total - self.credit


def _scalar(qs: QuerySet, aggregate) -> Subquery:
    """A correlated one-value subquery: the aggregate over `qs` for the outer account."""
    return Subquery(
        qs.filter(account=OuterRef("pk")).values("account").annotate(v=aggregate).values("v")[:1]
    )


def account_money(account: KeyAccount, on: dt.date) -> AccountMoney:
    """Everything the archive page and the receivables page head show, in one query."""
    invoices = Invoice.objects.filter(OPEN)
    sums = {
        key: Coalesce(_scalar(invoices, expr), ZERO_VALUE) for key, expr in bucket_sums(on).items()
    }
    credit = Coalesce(
        _scalar(
            Payment.objects.filter(reversed_at__isnull=True),
            Sum(F("amount") - F("applied"), output_field=MONEY_FIELD),
        ),
        ZERO_VALUE,
    )
    row = (
        KeyAccount.objects.filter(pk=account.pk)
        .annotate(**sums, credit=credit)
        .values(*sums, "credit")
        .get()
    )
    return AccountMoney(Aging.from_row(row), row["credit"])


def account_contracts(account: KeyAccount) -> QuerySet[Contract]:
    """Contracts with their fulfilment: invoiced and collected against the amount."""
    live = Q(invoices__is_cancelled=False)
    return account.contracts.annotate(
        invoiced=money_sum("invoices__amount", live),
        collected=money_sum("invoices__paid", live),
    ).order_by("-signed_on", "-pk")


def fulfilment(contract: Contract) -> dict[str, Decimal | None]:
    return {
        "invoiced": percent(contract.invoiced, contract.amount),
        "collected": percent(contract.collected, contract.amount),
    }


def account_invoices(account: KeyAccount, contract: Contract | None = None) -> QuerySet[Invoice]:
    """Open invoices first, the oldest due on top; then settled and cancelled ones, newest
    first."""
    qs = account.invoices.select_related("contract")
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.annotate(
        is_open=ExpressionWrapper(OPEN, output_field=BooleanField()),
        open_due=Case(When(OPEN, then="due_on")),
    ).order_by("-is_open", "open_due", "is_cancelled", "-due_on", "-pk")


def with_aging(invoices, on: dt.date) -> list[Invoice]:
    """Days overdue and bucket of each shown invoice, for its badge."""
    rows = list(invoices)
    for invoice in rows:
        invoice.days_overdue = days_overdue(invoice.due_on, on)
        invoice.bucket = bucket_of(invoice.days_overdue)
        invoice.bucket_label = BUCKET_LABELS[invoice.bucket]
        invoice.bucket_tone = BUCKET_TONES[invoice.bucket]
        invoice.settled = invoice.is_cancelled or invoice.paid == invoice.amount
    return rows


def account_payments(account: KeyAccount, limit: int = 30) -> QuerySet[Payment]:
    allocations = PaymentAllocation.objects.select_related("invoice").order_by("pk")
    return (
        account.payments.select_related("recorded_by", "reversed_by")
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by("-received_on", "-pk")[:limit]
    )


def account_collections(account: KeyAccount, limit: int = 30) -> QuerySet[CollectionAction]:
    return account.collection_actions.select_related("invoice", "by", "follow_up_by")[:limit]


def account_reconciliations(account: KeyAccount, limit: int = 12) -> QuerySet[Reconciliation]:
    return account.reconciliations.select_related("recorded_by")[:limit]


def open_invoices(account: KeyAccount):
    """Invoices with something left to pay, the oldest due first: the order in which an
    unspecified payment is applied."""
    return Invoice.objects.filter(
        account=account, is_cancelled=False, paid__lt=F("amount")
    ).order_by("due_on", "issued_on", "pk")


def balance_on(account: KeyAccount, day: dt.date) -> Decimal:
    """What the customer owes at the end of `day`: invoiced up to then minus received up to
    then (credit included). Cancelled invoices and reversed payments never counted."""
    invoiced = Invoice.objects.filter(
        account=account, is_cancelled=False, issued_on__lte=day
    ).aggregate(total=Sum("amount"))["total"]
    received = Payment.objects.filter(
        account=account, reversed_at__isnull=True, received_on__lte=day
    ).aggregate(total=Sum("amount"))["total"]
    return (invoiced or ZERO) - (received or ZERO)
