"""The hand-over of receivables when a KAM leaves (§7): a step of accounts' hand-over."""

from __future__ import annotations

from django.db.models import F

from accounts.models import HandOver, HandOverItem
from accounts.services import handover_heir
from kam.models import User
from kam.money import money_text
from kam.services import save_with_history
from receivables.models import CollectionAction, Invoice


def _promise_label(action: CollectionAction) -> str:
    label = f"{action.account.name} · {action.promised_on:%Y-%m-%d}"
    if action.promised_amount:
        label += f" · ¥{money_text(action.promised_amount)}"
    return label[:200]


def hand_over_receivables(handover: HandOver, leaver: User, successor_of) -> None:
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
        save_with_history(action, handover.performed_by, update_fields=["follow_up_by"])
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
