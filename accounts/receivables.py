"""Writes on contracts and receivables (§4). Each runs in one transaction with the account row
locked, so two payments on one account never spend the same balance; each records history
(who) and a line on the account's timeline.

The over-payment rule: no invoice ever receives more than its balance (the database refuses
it too). What a payment brings beyond the invoices it is applied to is held as the account's
credit (预收款), shown on the account, and applied to later invoices with `credit_apply`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.aging import CENT, ZERO, money_text
from accounts.models import (
    Contract,
    Invoice,
    KeyAccount,
    Payment,
    PaymentAllocation,
)
from accounts.models.receivables import ContractStatus
from accounts.services import timeline_add
from kam import roles
from kam.models import User


def receivables_url(account_pk: int, anchor: str = "") -> str:
    url = reverse("accounts:account_receivables", args=[account_pk])
    return f"{url}#{anchor}" if anchor else url


def lock_for_write(account: KeyAccount, by: User) -> KeyAccount:
    """Check the right, then lock the account: every money write on it queues behind this."""
    if not roles.can_edit_money(by, account):
        raise PermissionDenied
    return KeyAccount.objects.select_for_update().get(pk=account.pk)


def _apply(instance, data: Mapping[str, Any]) -> list[str]:
    changed = []
    for field, value in data.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return changed


def save_recorded(instance, by: User) -> None:
    instance.full_clean()
    instance._history_user = by
    instance.save()


def check_not_future(errors: dict, field: str, day: dt.date | None, message: str) -> None:
    if day is not None and day > timezone.localdate():
        errors[field] = message


def check_cents(errors: dict, field: str, amount: Decimal | None) -> None:
    """Amounts come in yuan with at most two decimals and above zero, as the form says."""
    if amount is None:
        return
    if amount <= 0:
        errors[field] = _("The amount must be at least 0.01 yuan.")
    elif amount != amount.quantize(CENT):
        errors[field] = _("Amounts have at most two decimals (fen).")


def handover_heir(account: KeyAccount, leaver: User, successor_of) -> User:
    """Who takes over the leaver's work on an account at a hand-over (§7): its owner, who by
    then is the successor when the account was the leaver's."""
    owner = account.owner
    return owner if owner.is_active and owner.pk != leaver.pk else successor_of(account)


# Contracts ----------------------------------------------------------------------------------


def contract_invoiced(contract: Contract, exclude: Invoice | None = None) -> Decimal:
    qs = Invoice.objects.filter(contract=contract, is_cancelled=False)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(total=Sum("amount"))["total"] or ZERO


@transaction.atomic
def contract_save(
    *, account: KeyAccount, by: User, data: Mapping[str, Any], contract: Contract | None = None
) -> Contract:
    account = lock_for_write(account, by)
    is_new = contract is None
    if is_new:
        contract = Contract(account=account, created_by=by)
    else:
        contract = Contract.objects.select_for_update().get(pk=contract.pk, account=account)
    old_status = contract.status
    changed = _apply(contract, data)
    if not is_new and not changed:
        return contract
    errors: dict[str, str] = {}
    check_cents(errors, "amount", contract.amount)
    if contract.signed_on and contract.ends_on and contract.ends_on < contract.signed_on:
        errors["ends_on"] = _("The end date cannot be before the signing date.")
    check_not_future(
        errors, "signed_on", contract.signed_on, _("The signing date cannot be in the future.")
    )
    if not is_new and "amount" in changed and "amount" not in errors:
        invoiced = contract_invoiced(contract)
        if contract.amount < invoiced:
            errors["amount"] = _(
                "The amount cannot be less than what has been invoiced on it (¥%(invoiced)s)."
            ) % {"invoiced": money_text(invoiced)}
    if errors:
        raise ValidationError(errors)
    save_recorded(contract, by)
    if is_new:
        kind, summary = "contract", f"{contract.number} · ¥{money_text(contract.amount)}"
    elif "status" in changed:
        kind = "contract_status"
        summary = f"{contract.number}: {ContractStatus(old_status).label} → "
        summary += str(contract.get_status_display())
    else:
        kind, summary = "contract_changed", contract.number
    url = reverse("accounts:contract_detail", args=[account.pk, contract.pk])
    timeline_add(account=account, kind=kind, summary=summary, actor=by, url=url)
    return contract


# Invoices -----------------------------------------------------------------------------------


def _check_invoice(invoice: Invoice, account: KeyAccount, changed: list[str], is_new: bool):
    errors: dict[str, str] = {}
    check_cents(errors, "amount", invoice.amount)
    check_not_future(
        errors, "issued_on", invoice.issued_on, _("An invoice cannot be dated in the future.")
    )
    if invoice.issued_on and invoice.due_on and invoice.due_on < invoice.issued_on:
        errors["due_on"] = _("The due date cannot be before the issue date.")
    if "amount" not in errors and invoice.amount is not None and invoice.amount < invoice.paid:
        errors["amount"] = _(
            "The amount cannot be less than what has already been paid (¥%(paid)s)."
        ) % {"paid": money_text(invoice.paid)}
    contract = invoice.contract
    if contract is not None and "amount" not in errors:
        if contract.account_id != account.pk:
            errors["contract"] = _("The contract belongs to another account.")
        elif contract.status == ContractStatus.TERMINATED and (is_new or "contract" in changed):
            errors["contract"] = _("The contract is terminated: no invoice can be added to it.")
        else:
            total = contract_invoiced(contract, exclude=invoice) + invoice.amount
            if total > contract.amount:
                errors["amount"] = _(
                    "Invoices on contract %(number)s would total ¥%(total)s, more than its "
                    "amount of ¥%(amount)s."
                ) % {
                    "number": contract.number,
                    "total": money_text(total),
                    "amount": money_text(contract.amount),
                }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def invoice_save(
    *, account: KeyAccount, by: User, data: Mapping[str, Any], invoice: Invoice | None = None
) -> Invoice:
    account = lock_for_write(account, by)
    is_new = invoice is None
    if is_new:
        invoice = Invoice(account=account, created_by=by)
    else:
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, account=account)
        if invoice.is_cancelled:
            raise ValidationError(_("A cancelled invoice cannot be changed."))
    changed = _apply(invoice, data)
    if not is_new and not changed:
        return invoice
    if invoice.contract_id:  # its status and total as they are now, not as the form saw them
        invoice.contract = Contract.objects.select_for_update().get(pk=invoice.contract_id)
    _check_invoice(invoice, account, changed, is_new)
    save_recorded(invoice, by)
    summary = f"{invoice.number} · ¥{money_text(invoice.amount)} · " + _("due %(date)s") % {
        "date": f"{invoice.due_on:%Y-%m-%d}"
    }
    timeline_add(
        account=account,
        kind="invoice" if is_new else "invoice_changed",
        summary=summary,
        actor=by,
        url=receivables_url(account.pk, f"invoice-{invoice.pk}"),
    )
    return invoice


def _undo_allocations(allocations: list[PaymentAllocation], by: User) -> None:
    """Give allocated money back: the invoices owe it again and the payments hold it as
    credit again. The rows stay, marked undone. Each invoice and payment is saved once."""
    invoices = {a.invoice_id: a.invoice for a in allocations}
    payments = {a.payment_id: a.payment for a in allocations}
    for allocation in allocations:
        invoices[allocation.invoice_id].paid -= allocation.amount
        payments[allocation.payment_id].applied -= allocation.amount
        allocation.is_void = True
        allocation._history_user = by
        allocation.save(update_fields=["is_void"])
    for row in (*invoices.values(), *payments.values()):
        row._history_user = by
        row.save()


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, by: User, reason: str) -> Decimal:
    """作废: an invoice is never deleted. What was paid on it returns to the account's
    credit. Returns that amount."""
    account = lock_for_write(invoice.account, by)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, account=account)
    if invoice.is_cancelled:
        raise ValidationError(_("This invoice is already cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the invoice is cancelled.")})
    allocations = list(
        invoice.allocations.select_for_update().filter(is_void=False).select_related("payment")
    )
    for allocation in allocations:
        allocation.invoice = invoice  # the locked row, which is saved at the end
    returned = invoice.paid
    _undo_allocations(allocations, by)
    invoice.is_cancelled = True
    invoice.cancel_reason = reason
    save_recorded(invoice, by)
    timeline_add(
        account=account,
        kind="invoice_cancelled",
        summary=f"{invoice.number} · {reason}",
        actor=by,
        url=receivables_url(account.pk, f"invoice-{invoice.pk}"),
    )
    return returned


# Payments and credit ------------------------------------------------------------------------


def open_invoices(account: KeyAccount):
    """Invoices with something left to pay, the oldest due first: the order in which an
    unspecified payment is applied."""
    return Invoice.objects.filter(
        account=account, is_cancelled=False, paid__lt=F("amount")
    ).order_by("due_on", "issued_on", "pk")


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
            allocation._history_user = by
            allocation.save()
            payment.applied += take
            invoice.paid += take
            left -= take
            touched[payment.pk] = payment
            if payment.applied == payment.amount:
                sources.pop(0)
        invoice._history_user = by
        invoice.save(update_fields=["paid"])
    for payment in touched.values():
        payment._history_user = by
        payment.save(update_fields=["applied"])


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
    save_recorded(payment, by)
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
    _undo_allocations(allocations, by)
    payment.reversed_at = timezone.now()
    payment.reversed_by = by
    payment.reversal_reason = reason
    save_recorded(payment, by)
    timeline_add(
        account=account,
        kind="payment_reversed",
        summary=f"¥{money_text(payment.amount)} {payment.received_on:%Y-%m-%d} · {reason}",
        actor=by,
        url=receivables_url(account.pk, f"payment-{payment.pk}"),
    )
    return payment
