"""Collection (催讨) and reconciliation (按期核对) of an account's receivables (§4)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from accounts.services import timeline_add
from kam.models import User
from kam.money import money_text
from kam.services import save_with_history
from receivables.models import CollectionAction, Reconciliation, ReconciliationStatus
from receivables.selectors.account import balance_on
from receivables.services.common import (
    check_cents,
    check_not_future,
    lock_for_write,
    receivables_url,
)


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
        save_with_history(earlier, by, update_fields=["follow_up_by"])
    if action.promised_on:
        action.follow_up_by = account.owner
    save_with_history(action, by, clean=True)
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
    save_with_history(reconciliation, by, clean=True)
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
