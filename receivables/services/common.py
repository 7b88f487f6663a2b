"""What every write on an account's money does first: check the right and lock the account,
validate amounts and dates the same way (saving with the history's author: kam/services.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from kam import roles
from kam.models import User
from kam.money import CENT


def receivables_url(account_pk: int, anchor: str = "") -> str:
    url = reverse("receivables:account", args=[account_pk])
    return f"{url}#{anchor}" if anchor else url


def lock_for_write(account: KeyAccount, by: User) -> KeyAccount:
    """Check the right, then lock the account: every money write on it queues behind this."""
    if not roles.can_edit_money(by, account):
        raise PermissionDenied
    return KeyAccount.objects.select_for_update().get(pk=account.pk)


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
