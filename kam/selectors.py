"""Reads of the shell's own records: a user's notifications and exports. Each is hers
alone; another's id gives 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kam.models import Export, ExportStatus, Notification, User


def notification_kinds(user: User) -> list[str]:
    return sorted(set(user.notifications.order_by().values_list("kind", flat=True)))


def notifications_for(user: User, *, show: str = "unread", kind: str = "") -> QuerySet:
    qs = user.notifications.all()
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def notification_for_user(user: User, pk: int) -> Notification:
    note = Notification.objects.filter(pk=pk, recipient=user).first()
    if note is None:
        raise Http404
    return note


def export_for_owner(user: User, pk: int, *, done: bool = False) -> Export:
    qs = Export.objects.filter(pk=pk, owner=user)
    if done:
        qs = qs.filter(status=ExportStatus.DONE)
    export = qs.first()
    if export is None:
        raise Http404
    return export
