"""Collection (催讨), reconciliation (按期核对) and the hand-over of receivables (§4, §7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from accounts.aging import ZERO, money_text
from accounts.models import (
    CollectionAction,
    HandOver,
    HandOverItem,
    Invoice,
    KeyAccount,
    Payment,
    Reconciliation,
)
from accounts.models.receivables import ReconciliationStatus
from accounts.receivables import (
    check_cents,
    check_not_future,
    handover_heir,
    lock_for_write,
    receivables_url,
    save_recorded,
)
from accounts.services import timeline_add
from kam.models import User

# Collection and reconciliation --------------------------------------------------------------


@transaction.atomic
def collection_record(
    *, account: KeyAccount, by: User, data: Mapping[str, Any]
) -> CollectionAction:
    """催讨. A promise to pay is followed up by the account's owner."""
    account = lock_for_write(account, by)
    action = CollectionAction(account=account, by=by, **data)
    errors: dict[str, str] = {}
    check_not_future(errors, "acted_on", action.acted_on, _("The date cannot be in the future."))
    if action.promised_on and action.acted_on and action.promised_on < action.acted_on:
        errors["promised_on"] = _("The promised date cannot be before the action.")
    check_cents(errors, "promised_amount", action.promised_amount)
    if action.invoice is not None and action.invoice.account_id != account.pk:
        errors["invoice"] = _("The invoice belongs to another account.")
    if errors:
        raise ValidationError(errors)
    # The latest action supersedes earlier promises: only one per account waits to be chased.
    for earlier in CollectionAction.objects.filter(account=account, follow_up_by__isnull=False):
        earlier.follow_up_by = None
        earlier._history_user = by
        earlier.save(update_fields=["follow_up_by"])
    if action.promised_on:
        action.follow_up_by = account.owner
    save_recorded(action, by)
    summary = f"{action.get_method_display()} · {action.result}"
    if action.promised_on:
        summary = (
            _("promised %(date)s") % {"date": f"{action.promised_on:%Y-%m-%d}"}
            + (f" ¥{money_text(action.promised_amount)}" if action.promised_amount else "")
            + f" · {summary}"
        )
    timeline_add(
        account=account,
        kind="collection",
        summary=summary,
        actor=by,
        url=receivables_url(account.pk, "collections"),
    )
    return action


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


@transaction.atomic
def reconciliation_record(
    *, account: KeyAccount, by: User, data: Mapping[str, Any]
) -> Reconciliation:
    """按期核对. Confirmed means the customer's figure is ours; a disputed statement keeps the
    customer's figure and the difference, and says why."""
    account = lock_for_write(account, by)
    data = dict(data)
    day = data["statement_date"]
    errors: dict[str, str] = {}
    check_not_future(errors, "statement_date", day, _("A statement cannot be dated in the future."))
    if errors:
        raise ValidationError(errors)
    ours = balance_on(account, day)
    theirs = data.get("customer_balance")
    if data["status"] == ReconciliationStatus.CONFIRMED:
        if theirs is not None and theirs != ours:
            errors["customer_balance"] = _(
                "The customer's figure differs from ours (¥%(ours)s) by ¥%(difference)s: "
                "record the statement as disputed."
            ) % {"ours": money_text(ours), "difference": money_text(ours - theirs)}
        theirs = ours
    elif theirs is None:
        errors["customer_balance"] = _("Enter the balance the customer's statement shows.")
    elif theirs == ours:
        errors["customer_balance"] = _(
            "The customer's figure equals ours: record the statement as confirmed."
        )
    elif not (data.get("notes") or "").strip():
        errors["notes"] = _("Say what the customer disputes.")
    if errors:
        raise ValidationError(errors)
    data["customer_balance"] = theirs
    reconciliation = Reconciliation(account=account, recorded_by=by, our_balance=ours, **data)
    save_recorded(reconciliation, by)
    summary = f"{day:%Y-%m-%d} · {reconciliation.get_status_display()} · ¥{money_text(ours)}"
    if reconciliation.difference:
        summary += " · " + _("difference ¥%(difference)s") % {
            "difference": money_text(reconciliation.difference)
        }
    timeline_add(
        account=account,
        kind="reconciliation",
        summary=summary,
        actor=by,
        url=receivables_url(account.pk, "reconciliations"),
    )
    return reconciliation


# Hand-over (§7) -----------------------------------------------------------------------------


def _promise_label(action: CollectionAction) -> str:
    label = f"{action.account.name} · {action.promised_on:%Y-%m-%d}"
    if action.promised_amount:
        label += f" · ¥{money_text(action.promised_amount)}"
    return label[:200]


def _hand_over_receivables(handover: HandOver, leaver: User, successor_of) -> None:
    """Open invoices go with their accounts to the successor; so do the promises to pay the
    leaver was to follow up (on any account: they go to that account's successor)."""
    moved = dict(handover.items.filter(kind="account").values_list("object_id", "successor_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=set(moved.values()))}
    items = []
    invoices = Invoice.objects.filter(
        account__in=list(moved), is_cancelled=False, paid__lt=F("amount")
    ).select_related("account")
    for invoice in invoices:
        items.append(
            HandOverItem(
                handover=handover,
                kind="invoice",
                object_id=invoice.pk,
                label=f"{invoice.account.name} · {invoice.number} · ¥{money_text(invoice.balance)}"[
                    :200
                ],
                successor=users[moved[invoice.account_id]],
            )
        )
    promises = CollectionAction.objects.select_for_update().filter(follow_up_by=leaver)
    for action in promises.select_related("account__owner"):
        successor = handover_heir(action.account, leaver, successor_of)
        action.follow_up_by = successor
        action._history_user = handover.performed_by
        action.save(update_fields=["follow_up_by"])
        items.append(
            HandOverItem(
                handover=handover,
                kind="promise",
                object_id=action.pk,
                label=_promise_label(action),
                successor=successor,
            )
        )
    HandOverItem.objects.bulk_create(items)
