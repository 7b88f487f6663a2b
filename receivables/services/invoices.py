"""Writes on contracts and invoices (§4). Each runs in one transaction with the account row
locked (services/common.py) and records history (who) and a line on the account's timeline.
An invoice is never deleted: it is cancelled (作废), and what was paid on it returns to the
account's credit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from accounts.services import timeline_add
from kam.models import User
from kam.money import ZERO, money_text
from kam.services import apply_changes, save_with_history
from receivables.models import Contract, ContractStatus, Invoice
from receivables.services.common import (
    check_cents,
    check_not_future,
    lock_for_write,
    receivables_url,
)
from receivables.services.payments import undo_allocations

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
    changed = apply_changes(contract, data)
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
    save_with_history(contract, by, clean=True)
    if is_new:
        kind, summary = "contract", f"{contract.number} · ¥{money_text(contract.amount)}"
    elif "status" in changed:
        kind = "contract_status"
        summary = f"{contract.number}: {ContractStatus(old_status).label} → "
        summary += str(contract.get_status_display())
    else:
        kind, summary = "contract_changed", contract.number
    url = reverse("receivables:contract_detail", args=[account.pk, contract.pk])
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
    changed = apply_changes(invoice, data)
    if not is_new and not changed:
        return invoice
    if invoice.contract_id:  # its status and total as they are now, not as the form saw them
        invoice.contract = Contract.objects.select_for_update().get(pk=invoice.contract_id)
    _check_invoice(invoice, account, changed, is_new)
    save_with_history(invoice, by, clean=True)
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
    undo_allocations(allocations, by)
    invoice.is_cancelled = True
    invoice.cancel_reason = reason
    save_with_history(invoice, by, clean=True)
    timeline_add(
        account=account,
        kind="invoice_cancelled",
        summary=f"{invoice.number} · {reason}",
        actor=by,
        url=receivables_url(account.pk, f"invoice-{invoice.pk}"),
    )
    return returned
