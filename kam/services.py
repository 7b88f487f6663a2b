"""Core writes: notifications for the in-app inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from kam.models import Notification, User


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    due_on: dt.date | None = None,
) -> int:
    """Create one notification per recipient unless one with the same key exists.
    Returns how many were created, so a job run twice creates nothing twice. `url` opens the
    object the reminder is about; `due_on` is its deadline, worded when shown (kam/dues.py)."""
    created = 0
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    key=key,
                    title=title[:200],
                    body=body,
                    url=url,
                    due_on=due_on,
                )
            created += 1
        except IntegrityError:
            continue
    return created


def notify_many(rows: list[Notification]) -> int:
    """Bulk version for jobs: rows whose (recipient, key) exists already are skipped.
    Returns how many were new."""
    if not rows:
        return 0
    keys = {(n.recipient_id, n.key) for n in rows}
    existing = set(
        Notification.objects.filter(
            recipient_id__in={r for r, _k in keys}, key__in={k for _r, k in keys}
        ).values_list("recipient_id", "key")
    )
    fresh = {(n.recipient_id, n.key): n for n in rows if (n.recipient_id, n.key) not in existing}
    Notification.objects.bulk_create(fresh.values(), ignore_conflicts=True, batch_size=2000)
    return len(fresh)


def notification_read(*, note: Notification) -> None:
    """Opening a reminder marks it read (once: the first reading time stays)."""
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])


def notifications_read_all(*, user: User) -> int:
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
