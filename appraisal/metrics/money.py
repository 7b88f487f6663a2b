"""The money figures of appraisal/metrics/, per account or per KAM (the key of
appraisal.metrics.span.grouped), from a few grouped queries whose rows are added up by key.

`Invoice.paid` and `Payment.applied` hold what is true now; a period's outstanding is what was
true at its end, so it is worked out again from the allocation rows instead of reusing
receivables.selectors.account.bucket_sums (which reads `paid`). An invoice's unpaid part is
its amount less what was paid on it by the day, never below zero; summed over invoices that is
    amounts − paid + the excess of the invoices paid more than their amount
(a payment counted though reversed only after the figures were taken may do that), and each
term is one grouped query: over the invoices, over their allocations, and over the few
overpaid invoices. Overdue is the same sums over the invoices due before the last day counted.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Q, Sum

from appraisal.metrics.span import Span, grouped, on_counted
from kam.money import ZERO, money_sum
from receivables.aging import overdue_q
from receivables.models import Invoice, Payment, PaymentAllocation

MONEY_NAMES = ("invoiced", "collected", "falling_due", "outstanding", "overdue")


def counted_payments(span: Span) -> Q:
    """Payments not reversed when the figures were taken (a later reversal is not seen), as
    lookups on Payment."""
    return Q(reversed_at__isnull=True) | Q(reversed_at__gte=span.cutoff)


def counted_allocations(span: Span, prefix: str = "") -> Q:
    """What paid on invoices by the last day counted, as lookups on PaymentAllocation (or
    from `prefix`): from payments received by that day, live allocations, and those undone
    only by a reversal after the figures were taken."""
    p = prefix
    return Q(**{f"{p}payment__received_on__lte": span.day}) & (
        Q(**{f"{p}is_void": False, f"{p}payment__reversed_at__isnull": True})
        | Q(**{f"{p}payment__reversed_at__gte": span.cutoff})
    )


def money_figures(span: Span, key: str) -> dict[int, dict[str, Decimal]]:
    """{key value: the five money figures} for the counted accounts that have any invoice
    issued by the last day counted or any payment; for the others they are all zero."""
    counted = (span.start, span.day)
    issued = Q(issued_on__lte=span.day)
    # An invoice falls due on or after its issue (a database constraint), so every invoice
    # falling due in the period is issued by its last day; the OR only keeps that explicit.
    invoices = Invoice.objects.filter(issued | Q(due_on__range=counted), is_cancelled=False)
    sums = grouped(
        invoices,
        key,
        invoiced=money_sum("amount", Q(issued_on__range=counted)),
        falling_due=money_sum("amount", Q(due_on__range=counted)),
        outstanding=money_sum("amount", issued),
        overdue=money_sum("amount", issued & overdue_q(span.day)),
    )
    out = {k: dict.fromkeys(MONEY_NAMES, ZERO) | row for k, row in sums.items()}

    def add(k: int, outstanding: Decimal, overdue: Decimal) -> None:
        figures = out.setdefault(k, dict.fromkeys(MONEY_NAMES, ZERO))
        figures["outstanding"] += outstanding
        figures["overdue"] += overdue

    live_issued = Q(invoice__is_cancelled=False, invoice__issued_on__lte=span.day)
    allocations = PaymentAllocation.objects.filter(counted_allocations(span), live_issued)
    late = overdue_q(span.day, "invoice__due_on")
    for k, row in grouped(
        allocations,
        f"invoice__{key}",
        via="invoice__account",
        paid=Sum("amount"),
        late=money_sum("amount", late),
    ).items():
        add(k, -row["paid"], -row["late"])

    # Live allocations never add up to more than the invoice (they make up `paid`, which a
    # database constraint keeps within the amount), so only an invoice with an allocation from
    # a payment reversed after the figures were taken can have been paid more than its amount.
    reversed_later = PaymentAllocation.objects.filter(payment__reversed_at__gte=span.cutoff)
    candidates = Invoice.objects.filter(
        issued, is_cancelled=False, pk__in=reversed_later.values("invoice")
    )
    paid = Sum("allocations__amount", filter=counted_allocations(span, "allocations__"))
    overpaid = (
        on_counted(candidates)
        .order_by()
        .values("pk", key, "due_on", "amount")
        .annotate(paid=paid)
        .filter(paid__gt=F("amount"))
    )
    for row in overpaid:
        more = row["paid"] - row["amount"]
        add(row[key], more, more if row["due_on"] < span.day else ZERO)

    payments = Payment.objects.filter(counted_payments(span), received_on__range=counted)
    for k, row in grouped(payments, key, collected=Sum("amount")).items():
        out.setdefault(k, dict.fromkeys(MONEY_NAMES, ZERO))["collected"] = row["collected"]
    return out
