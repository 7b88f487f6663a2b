"""Complaints (投诉, §4): writes. A complaint is kept by the owner KAM (or an administrator).
Each has a deadline set by its severity when received; it is resolved, then closed by a
follow-up call (回访) that records the customer's satisfaction, or reopened when the customer
is not satisfied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import HandOver, HandOverItem, KeyAccount
from accounts.services import handover_heir, timeline_add
from complaints.models import Complaint, ComplaintDeadline, ComplaintStatus, Severity
from complaints.selectors import deadline_days, handler_choices
from kam import roles
from kam.messages import message
from kam.models import User
from kam.services import notify, save_with_history

EDITABLE = ("received_on", "channel", "subject", "content", "severity", "handler")


# Deadlines ----------------------------------------------------------------------------------


@transaction.atomic
def deadlines_save(*, by: User, days: Mapping[str, int]) -> list[str]:
    """Change the defaults. Complaints already received keep the deadline they were given."""
    if not roles.can_set_complaint_deadlines(by):
        raise PermissionDenied
    errors = {s: _("Between 1 and 365 days.") for s, d in days.items() if not 1 <= d <= 365}
    if errors:
        raise ValidationError(errors)
    changed = []
    current = deadline_days()
    for severity in Severity.values:
        if severity not in days or days[severity] == current[severity]:
            continue
        row = ComplaintDeadline.objects.select_for_update().filter(severity=severity).first()
        row = row or ComplaintDeadline(severity=severity)
        row.days = days[severity]
        save_with_history(row, by)
        changed.append(severity)
    return changed


def _due_on(received_on: dt.date, severity: str) -> dt.date:
    return received_on + dt.timedelta(days=deadline_days()[severity])


# Writes -------------------------------------------------------------------------------------


def _url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.account_id, complaint.pk])


def _writable(complaint: Complaint, by: User) -> Complaint:
    if not roles.can_edit_money(by, complaint.account):
        raise PermissionDenied
    return Complaint.objects.select_for_update().select_related("account").get(pk=complaint.pk)


def _check_dates(errors: dict, field: str, day: dt.date | None, after: dt.date | None) -> None:
    if day is None:
        return
    if day > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")
    elif after is not None and day < after:
        errors[field] = _("The date cannot be before %(date)s.") % {"date": f"{after:%Y-%m-%d}"}


def _check_handler(errors: dict, account: KeyAccount, handler: User | None) -> None:
    if handler is not None and not handler_choices(account).filter(pk=handler.pk).exists():
        errors["handler"] = _("The handler must be able to read this account's archive.")


def _tell_handler(complaint: Complaint, by: User) -> None:
    if complaint.handler_id == by.pk:
        return
    notify(
        recipients=[complaint.handler],
        kind="complaint",
        key=f"complaint:{complaint.pk}:handler:{complaint.handler_id}",
        title=message(
            gettext_lazy("Complaint from %(account)s for you to handle: %(subject)s"),
            account=complaint.account.name,
            subject=complaint.subject,
        ),
        url=_url(complaint),
        due_on=complaint.due_on,  # worded when shown: "due in 2 days", then "overdue by 1 day"
    )


@transaction.atomic
def complaint_create(*, account: KeyAccount, by: User, data: Mapping[str, Any]) -> Complaint:
    if not roles.can_edit_money(by, account):
        raise PermissionDenied
    complaint = Complaint(account=account, created_by=by, **data)
    errors: dict[str, str] = {}
    _check_dates(errors, "received_on", complaint.received_on, None)
    _check_handler(errors, account, complaint.handler)
    if errors:
        raise ValidationError(errors)
    complaint.due_on = _due_on(complaint.received_on, complaint.severity)
    save_with_history(complaint, by, clean=True)
    summary = f"{complaint.get_severity_display()} · {complaint.subject}"
    timeline_add(account=account, kind="complaint", summary=summary, actor=by, url=_url(complaint))
    _tell_handler(complaint, by)
    return complaint


@transaction.atomic
def complaint_update(*, complaint: Complaint, by: User, data: Mapping[str, Any]) -> list[str]:
    """Correct what was recorded; a new severity or receipt date moves the deadline."""
    complaint = _writable(complaint, by)
    if complaint.status == ComplaintStatus.CLOSED:
        raise ValidationError(_("A closed complaint cannot be changed."))
    changed = []
    for field in EDITABLE:
        if field in data and getattr(complaint, field) != data[field]:
            setattr(complaint, field, data[field])
            changed.append(field)
    if not changed:
        return []
    errors: dict[str, str] = {}
    _check_dates(errors, "received_on", complaint.received_on, None)
    if complaint.resolved_on and complaint.received_on > complaint.resolved_on:
        errors["received_on"] = _("The complaint cannot be received after it was resolved.")
    _check_handler(errors, complaint.account, complaint.handler)
    if errors:
        raise ValidationError(errors)
    if {"severity", "received_on"} & set(changed):
        complaint.due_on = _due_on(complaint.received_on, complaint.severity)
    save_with_history(complaint, by, clean=True)
    labels = ", ".join(str(Complaint._meta.get_field(f).verbose_name) for f in changed)
    timeline_add(
        account=complaint.account,
        kind="complaint_changed",
        summary=f"{complaint.subject}: {labels}",
        actor=by,
        url=_url(complaint),
    )
    if "handler" in changed:
        _tell_handler(complaint, by)
    return changed


@transaction.atomic
def complaint_resolve(
    *, complaint: Complaint, by: User, resolution: str, resolved_on: dt.date
) -> Complaint:
    complaint = _writable(complaint, by)
    if complaint.status != ComplaintStatus.OPEN:
        raise ValidationError(_("Only an open complaint can be resolved."))
    errors: dict[str, str] = {}
    if not resolution.strip():
        errors["resolution"] = _("Describe how the complaint was resolved.")
    _check_dates(errors, "resolved_on", resolved_on, complaint.received_on)
    if errors:
        raise ValidationError(errors)
    complaint.resolution, complaint.resolved_on = resolution, resolved_on
    complaint.status = ComplaintStatus.RESOLVED
    save_with_history(complaint, by, clean=True)
    timeline_add(
        account=complaint.account,
        kind="complaint_resolved",
        summary=f"{complaint.subject} · {resolution}",
        actor=by,
        url=_url(complaint),
    )
    return complaint


@transaction.atomic
def complaint_follow_up(
    *,
    complaint: Complaint,
    by: User,
    follow_up_on: dt.date,
    satisfaction: int,
    notes: str = "",
    reopen: bool = False,
) -> Complaint:
    """回访: the customer is called after the resolution. Satisfied, the complaint closes;
    `reopen` sends it back to be handled again (its deadline stays, so it shows as overdue)."""
    complaint = _writable(complaint, by)
    if complaint.status != ComplaintStatus.RESOLVED:
        raise ValidationError(_("The follow-up call comes after the complaint is resolved."))
    errors: dict[str, str] = {}
    _check_dates(errors, "follow_up_on", follow_up_on, complaint.resolved_on)
    if reopen and not notes.strip():
        errors["notes"] = _("Say what the customer is still not satisfied with.")
    if errors:
        raise ValidationError(errors)
    complaint.follow_up_on, complaint.follow_up_by = follow_up_on, by
    complaint.satisfaction, complaint.follow_up_notes = satisfaction, notes
    if reopen:
        complaint.status, complaint.resolved_on = ComplaintStatus.OPEN, None
    else:
        complaint.status = ComplaintStatus.CLOSED
    save_with_history(complaint, by, clean=True)
    timeline_add(
        account=complaint.account,
        kind="complaint_reopened" if reopen else "complaint_follow_up",
        summary=f"{complaint.subject} · {complaint.get_satisfaction_display()}",
        actor=by,
        url=_url(complaint),
    )
    return complaint


# Hand-over (§7) -----------------------------------------------------------------------------


def hand_over_complaints(handover: HandOver, leaver: User, successor_of) -> None:
    """Complaints the leaver was handling and that are not closed go to their account's
    owner: the successor when the account was the leaver's."""
    open_ = (
        Complaint.objects.select_for_update()
        .filter(handler=leaver)
        .exclude(status=ComplaintStatus.CLOSED)
    )
    items = []
    for complaint in open_.select_related("account__owner"):
        successor = handover_heir(complaint.account, leaver, successor_of)
        complaint.handler = successor
        save_with_history(complaint, handover.performed_by, update_fields=["handler"])
        items.append(
            HandOverItem(
                handover=handover,
                kind="complaint",
                object_id=complaint.pk,
                label=f"{complaint.account.name} · {complaint.subject}"[:200],
                successor=successor,
            )
        )
    HandOverItem.objects.bulk_create(items)
