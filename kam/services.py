"""Core writes every app shares: changing a record and saving it with its history's author,
and notifications for the in-app inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kam.messages import Message
from kam.models import Notification, User


def apply_changes(obj, data: Mapping[str, Any]) -> list[str]:
    """Set the fields of `data` that differ on `obj`; returns the names of those that changed,
    so a service can skip a save (and a history row) when nothing did."""
    changed = []
    for field, value in data.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.append(field)
    return changed


def sign_history(obj, by: User | None, *, at: dt.datetime | None = None, reason: str = ""):
    """Name the author (and, for back-dated rows, the time and reason) of the history row the
    next save or `bulk_history_create` writes for `obj`; with `by` None the library's default
    author stands. The one place that knows django-simple-history's private attributes."""
    if by is not None:
        obj._history_user = by
    if at is not None:
        obj._history_date = at
    if reason:
        obj._change_reason = str(reason)[:100]  # the history's column holds 100 characters
    return obj


def save_with_history(
    obj,
    by: User | None,
    *,
    reason: str = "",
    clean: bool = False,
    update_fields: Iterable[str] | None = None,
) -> None:
    """Save `obj`; its history row records `by` as the author (and `reason`, if given).
    `clean` validates the model first, for services that build it from a form's data."""
    if clean:
        obj.full_clean()
    sign_history(obj, by, reason=reason)
    obj.save(update_fields=update_fields)


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    key: str,
    title: str | Message,
    body: str | Message = "",
    url: str = "",
    due_on: dt.date | None = None,
) -> int:
    """Create one notification per recipient unless one with the same key exists.
    Returns how many were created, so a job run twice creates nothing twice. `url` opens the
    object the reminder is about; `due_on` is its deadline, worded when shown (kam/dues.py).
    A title or body given as a `kam.messages.Message` is shown in each reader's language."""
    created = 0
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        row = Notification(
            recipient=user, kind=kind, key=key, title=title, body=body, url=url, due_on=due_on
        )
        try:
            with transaction.atomic():
                _word(row).save()
            created += 1
        except IntegrityError:
            continue
    return created


def _word(row: Notification) -> Notification:
    """Keep each Message's source, translated for each reader when shown; the text as worded
    now stays beside it, as before, for the admin and as the fallback."""
    source = {}
    for name in ("title", "body"):
        value = getattr(row, name)
        if isinstance(value, Message):
            source[name] = value.as_json()
            setattr(row, name, str(value))
    if source:
        row.message = source
    row.title = row.title[:200]
    return row


def notify_many(rows: list[Notification]) -> int:
    """Bulk version for jobs: rows whose (recipient, key) exists already are skipped.
    Returns how many were new. Titles and bodies may be Messages, as for notify()."""
    if not rows:
        return 0
    keys = {(n.recipient_id, n.key) for n in rows}
    existing = set(
        Notification.objects.filter(
            recipient_id__in={r for r, _k in keys}, key__in={k for _r, k in keys}
        ).values_list("recipient_id", "key")
    )
    fresh = {
        (n.recipient_id, n.key): _word(n) for n in rows if (n.recipient_id, n.key) not in existing
    }
    Notification.objects.bulk_create(fresh.values(), ignore_conflicts=True, batch_size=2000)
    return len(fresh)


def user_set_language(*, user: User, language: str) -> bool:
    """Remember the language a signed-in user chose, so what is written for her outside a
    request (the daily e-mail digest) reads in it too. An unknown language changes nothing."""
    if language not in dict(settings.LANGUAGES):
        return False
    User.objects.filter(pk=user.pk).update(language=language)
    return True


def notification_read(*, note: Notification) -> None:
    """Opening a reminder marks it read (once: the first reading time stays)."""
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])


def notifications_read_all(*, user: User) -> int:
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
