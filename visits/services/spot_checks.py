"""Writes on spot checks (抽查, §14.2): the sales manager phones customers about a sample of
his team's visits and records what they said. Results feed appraisal (dimension 5)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Contact
from kam import roles
from kam.models import User
from kam.services import save_with_history
from visits.models import SpotCheck, Visit
from visits.models.records import SpotResult
from visits.months import month_of
from visits.selectors.spot_checks import spot_check_sample
from visits.tally import mark_changed


@transaction.atomic
def spot_checks_start(*, manager: User, month: dt.date, by: User) -> list[SpotCheck]:
    """Fix the proposed sample as the month's checks to make. Run twice, it adds nothing:
    once started, the sample no longer moves when more visits are recorded."""
    if by.pk != manager.pk or not roles.can_spot_check(by):
        raise PermissionDenied
    month = month_of(month)
    existing = list(SpotCheck.objects.filter(checker=manager, month=month))
    if existing:
        return existing
    ids = spot_check_sample(manager, month)
    if not ids:
        raise ValidationError(_("Your team recorded no visits in this month."))
    taken = set(SpotCheck.objects.filter(visit_id__in=ids).values_list("visit_id", flat=True))
    checks = []
    for visit in Visit.objects.filter(pk__in=set(ids) - taken).order_by("pk"):
        check = SpotCheck(visit=visit, month=month, checker=manager)
        save_with_history(check, by)
        checks.append(check)
    # No mark for the rollup: a check counts once it is called (spot_check_record).
    return checks


@transaction.atomic
def spot_check_record(
    *, check: SpotCheck, by: User, result: str, contact: Contact | None, notes: str = ""
) -> SpotCheck:
    check = (
        SpotCheck.objects.select_for_update(of=("self",)).select_related("visit").get(pk=check.pk)
    )
    if check.checker_id != by.pk or not roles.can_spot_check(by):
        raise PermissionDenied
    if result not in SpotResult.values or result == SpotResult.PENDING:
        raise ValidationError({"result": _("Choose what the call established.")})
    if contact is None and result != SpotResult.UNREACHABLE:
        raise ValidationError({"called_contact": _("Say whom you called.")})
    if contact is not None and contact.account_id != check.visit.account_id:
        raise ValidationError({"called_contact": _("Choose a contact of the visited account.")})
    check.result = result
    check.called_contact = contact
    check.notes = notes.strip()[:300]
    check.checked_at = timezone.now()
    save_with_history(check, by)
    mark_changed(account_ids=[check.visit.account_id])
    return check
