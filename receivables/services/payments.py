"""Payments (回款) and the credit they leave (§4). Each runs in one transaction with the
account row locked, so two payments on one account never spend the same balance.

The over-payment rule: no invoice ever receives more than its balance (the database refuses
it too). What a payment brings beyond the invoices it is applied to is held as the account's
credit (预收款), shown on the account, and applied to later invoices with `credit_apply`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from accounts.services import timeline_add
from kam.models import User
from kam.money import ZERO, money_text
from kam.services import save_with_history
from receivables.models import Invoice, Payment, PaymentAllocation
from receivables.selectors.account import open_invoices
from receivables.services.common import (
    check_cents,
    check_not_future,
    lock_for_write,
    receivables_url,
)


def undo_allocations(allocations: list[PaymentAllocation], by: User) -> None:
    """Give allocated money back: the invoices owe it again and the payments hold it as
    credit again. The rows stay, marked undone. Each invoice and payment is saved once."""
    invoices = {a.invoice_id: a.invoice for a in allocations}
    payments = {a.payment_id: a.payment for a in allocations}
    for allocation in allocations:
        invoices[allocation.invoice_id].paid -= allocation.amount
        payments[allocation.payment_id].applied -= allocation.amount
        allocation.is_void = True
        save_with_history(allocation, by, update_fields=["is_void"])
    for row in (*invoices.values(), *payments.values()):
        save_with_history(row, by)


def _plan(
    invoices: list[Invoice], requested: Mapping[int, Decimal] | None, available: Decimal
) -> list[tuple[Invoice, Decimal]]:
    """Which invoice gets how much. Without a request: oldest due first, as far as the money
    goes. With one: exactly as asked, or a ValidationError naming the field at fault."""
    if requested is None:
        plan, left = [], available
        for invoice in invoices:
            take = min(invoice.balance, left)
            if take <= 0:
                break
            plan.append((invoice, take))
            left -= take
        return plan
    by_pk = {i.pk: i for i in invoices}
    errors: dict[str, str] = {}
    plan = []
    for pk, amount in requested.items():
        if not amount:
            continue
        invoice = by_pk.get(pk)
        field = f"invoice_{pk}"
        if invoice is None:
            raise ValidationError(_("Only open invoices of this account can be paid."))
        check_cents(errors, field, amount)
        if field not in errors and amount > invoice.balance:
            errors[field] = _(
                "Invoice %(number)s has only ¥%(balance)s outstanding; no more can be applied "
                "to it."
            ) % {"number": invoice.number, "balance": money_text(invoice.balance)}
        plan.append((invoice, amount))
    if errors:
        raise ValidationError(errors)
    return plan


def _allocate(plan: list[tuple[Invoice, Decimal]], sources: list[Payment], by: User) -> None:
    """Draw the planned amounts from the payments in order, one allocation row per pair."""
    sources = [p for p in sources if p.amount > p.applied]
    touched: dict[int, Payment] = {}
    for invoice, amount in plan:
        left = amount
        while left > 0:
            payment = sources[0]
            take = min(left, payment.amount - payment.applied)
            allocation = PaymentAllocation(payment=payment, invoice=invoice, amount=take)
            save_with_history(allocation, by)
            payment.applied += take
            invoice.paid += take
            left -= take
            touched[payment.pk] = payment
            if payment.applied == payment.amount:
                sources.pop(0)
        save_with_history(invoice, by, update_fields=["paid"])
    for payment in touched.values():
        save_with_history(payment, by, update_fields=["applied"])


def _applied_text(plan: list[tuple[Invoice, Decimal]]) -> str:
    return "; ".join(f"{invoice.number} ¥{money_text(amount)}" for invoice, amount in plan)


@transaction.atomic
def payment_record(
    *,
    account: KeyAccount,
    by: User,
    received_on: dt.date,
    amount: Decimal,
    method: str,
    reference: str = "",
    notes: str = "",
    allocations: Mapping[int, Decimal] | None = None,
) -> Payment:
    """回款. `allocations` maps invoice ids to amounts; None applies the payment to the oldest
    due invoices first. Whatever is left is held as the account's credit."""
    account = lock_for_write(account, by)
    errors: dict[str, str] = {}
    check_cents(errors, "amount", amount)
    check_not_future(
        errors, "received_on", received_on, _("A payment cannot be dated in the future.")
    )
    if errors:
        raise ValidationError(errors)
    invoices = list(open_invoices(account).select_for_update())
    plan = _plan(invoices, allocations, amount)
    applied = sum((a for _i, a in plan), ZERO)
    if applied > amount:
        raise ValidationError(
            _("You applied ¥%(applied)s in total, more than the payment of ¥%(amount)s.")
            % {"applied": money_text(applied), "amount": money_text(amount)}
        )
    payment = Payment(
        account=account,
        received_on=received_on,
        amount=amount,
        method=method,
        reference=reference,
        notes=notes,
        recorded_by=by,
    )
    save_with_history(payment, by, clean=True)
    _allocate(plan, [payment], by)
    summary = f"¥{money_text(amount)}"
    if plan:
        summary += f" → {_applied_text(plan)}"
    if payment.credit:
        summary += " · " + _("credit ¥%(credit)s") % {"credit": money_text(payment.credit)}
    timeline_add(
        account=account,
        kind="payment",
        summary=summary,
        actor=by,
        url=receivables_url(account.pk, f"payment-{payment.pk}"),
    )
    return payment


def credit_payments(account: KeyAccount):
    """Payments with money not yet applied, the oldest first: credit is spent in that order."""
    return Payment.objects.filter(
        account=account, reversed_at__isnull=True, applied__lt=F("amount")
    ).order_by("received_on", "pk")


@transaction.atomic
def credit_apply(
    *, account: KeyAccount, by: User, allocations: Mapping[int, Decimal] | None = None
) -> Decimal:
    """Apply the account's credit to open invoices. Returns the amount applied."""
    account = lock_for_write(account, by)
    sources = list(credit_payments(account).select_for_update())
    credit = sum((p.amount - p.applied for p in sources), ZERO)
    if credit <= 0:
        raise ValidationError(_("The account holds no credit."))
    invoices = list(open_invoices(account).select_for_update())
    plan = _plan(invoices, allocations, credit)
    applied = sum((a for _i, a in plan), ZERO)
    if applied > credit:
        raise ValidationError(
            _("You applied ¥%(applied)s, but the account holds only ¥%(credit)s of credit.")
            % {"applied": money_text(applied), "credit": money_text(credit)}
        )
    if not plan:
        raise ValidationError(_("There is no open invoice to apply the credit to."))
    _allocate(plan, sources, by)
    timeline_add(
        account=account,
        kind="credit_applied",
        summary=f"¥{money_text(applied)} → {_applied_text(plan)}",
        actor=by,
        url=receivables_url(account.pk),
    )
    return applied


@transaction.atomic
def payment_reverse(*, payment: Payment, by: User, reason: str) -> Payment:
    """冲销 a payment recorded by mistake: its allocations are undone, the invoices owe the
    money again, and the payment stays on record, marked reversed."""
    account = lock_for_write(payment.account, by)
    payment = Payment.objects.select_for_update().get(pk=payment.pk, account=account)
    if payment.reversed_at is not None:
        raise ValidationError(_("This payment is already reversed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    allocations = list(
        payment.allocations.select_for_update().filter(is_void=False).select_related("invoice")
    )
    for allocation in allocations:
        allocation.payment = payment  # the locked row, which is saved at the end
    undo_allocations(allocations, by)
    payment.reversed_at = timezone.now()
    payment.reversed_by = by
    payment.reversal_reason = reason
    save_with_history(payment, by, clean=True)
    timeline_add(
        account=account,
        kind="payment_reversed",
        summary=f"¥{money_text(payment.amount)} {payment.received_on:%Y-%m-%d} · {reason}",
        actor=by,
        url=receivables_url(account.pk, f"payment-{payment.pk}"),
    )
    return payment
