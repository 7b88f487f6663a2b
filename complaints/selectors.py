"""Reads of complaints: the deadlines in force, the scoped list, one complaint through its
archive's read getter, and who may handle. A complaint is archive material: read by whoever
reads the archive (accounts.selectors)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import KeyAccount
from accounts.selectors import accounts_visible_to, archive_for_user
from complaints.models import (
    DEFAULT_DEADLINE_DAYS,
    Complaint,
    ComplaintDeadline,
    ComplaintStatus,
)
from kam import roles
from kam.models import User


def deadline_days() -> dict[str, int]:
    """Days to resolve per severity: what administrators saved, else the shipped default."""
    days = {str(k): v for k, v in DEFAULT_DEADLINE_DAYS.items()}
    days.update(ComplaintDeadline.objects.values_list("severity", "days"))
    return days


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Complaints on the accounts of the user's list (一览表 scope)."""
    if not roles.can_use_complaints(user):
        return Complaint.objects.none()
    return Complaint.objects.filter(
        account__in=accounts_visible_to(user).values("pk")
    ).select_related("account", "account__owner", "handler")


def overdue_q(on: dt.date) -> Q:
    return Q(status=ComplaintStatus.OPEN, due_on__lt=on)


def complaint_tabs(on: dt.date) -> dict[str, Q]:
    """The complaint list's tabs, the overdue first: the one to act on."""
    return {
        "overdue": overdue_q(on),
        "open": Q(status=ComplaintStatus.OPEN),
        "follow_up": Q(status=ComplaintStatus.RESOLVED),
        "all": Q(),
    }


def complaint_tab_counts(user: User, on: dt.date) -> dict[str, int]:
    tabs = complaint_tabs(on)
    return complaints_visible_to(user).aggregate(
        **{name: Count("pk", filter=q) for name, q in tabs.items()}
    )


def complaints_listed(user: User, on: dt.date, *, show: str, severity: str = ""):
    """One tab of the list, narrowed to a severity: the open ones by deadline, the others
    newest first."""
    tabs = complaint_tabs(on)
    show = show if show in tabs else "overdue"
    qs = complaints_visible_to(user).filter(tabs[show])
    if severity:
        qs = qs.filter(severity=severity)
    order = ("due_on", "pk") if show in {"overdue", "open"} else ("-received_on", "-pk")
    return qs.order_by(*order)


def complaint_for_user(user: User, account_pk: int, complaint_pk: int):
    """Read getter: the archive's grant and the complaint; 404 for anyone else."""
    grant = archive_for_user(user, account_pk)
    complaint = (
        Complaint.objects.select_related("handler", "created_by", "follow_up_by")
        .filter(pk=complaint_pk, account=grant.account)
        .first()
    )
    if complaint is None:
        raise Http404
    return grant, complaint


def handler_choices(account: KeyAccount) -> QuerySet[User]:
    """Who may handle: those who read the archive by position (the owner, her manager, the
    sales VP, the GM, administrators), so the handler can open what he is asked to handle."""
    return roles.people_who_see(account.owner).order_by("role", "name", "username")


def account_complaint_counts(account: KeyAccount, on: dt.date) -> dict[str, int]:
    """The archive page's card: complaints not closed, and those past their deadline."""
    return Complaint.objects.filter(account=account).aggregate(
        open=Count("pk", filter=~Q(status=ComplaintStatus.CLOSED)),
        overdue=Count("pk", filter=overdue_q(on)),
    )
