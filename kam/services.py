"""Core writes: notifications for the in-app inbox."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from kam.models import Notification, User


def notify(
    *, recipients: Iterable[User], kind: str, key: str, title: str, body: str = "", url: str = ""
) -> int:
    """Create one notification per recipient unless one with the same key exists.
    Returns how many were created, so a job run twice creates nothing twice."""
    created = 0
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=user, kind=kind, key=key, title=title[:200], body=body, url=url
                )
            created += 1
        except IntegrityError:
            continue
    return created
