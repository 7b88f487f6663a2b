"""The daily e-mail digest: one mail per person with what is new in their inbox."""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.models import DigestSent, Export, ExportStatus, Notification, User

log = logging.getLogger(__name__)


def email_digest(today: dt.date) -> int:
    """Only when EMAIL_URL is configured; otherwise the inbox is the only channel.

    Safe to retry and to run twice: each person's digest is claimed (DigestSent, unique per
    person and day) and its reminders marked in a transaction of its own, and the mail goes
    out only once that has committed (run inside a job's transaction, once that one has). A
    run that fails half-way mails no one whose claim it did not commit; the retry skips those
    it did and mails the rest. Returns how many digests it committed."""
    if not settings.EMAIL_URL:
        return 0
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    users = (
        User.objects.filter(is_active=True, notifications__in=pending)
        .exclude(email="")
        .exclude(digestsent__day=today)
        .distinct()
        .prefetch_related(Prefetch("notifications", queryset=pending, to_attr="unsent"))
    )
    return sum(_digest_one(user, today) for user in users)


def _digest_one(user: User, today: dt.date) -> int:
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = DigestSent.objects.create(recipient=user, day=today)
        except IntegrityError:
            return 0  # another run mailed this person today
        with translation.override(user.language or settings.LANGUAGE_CODE):
            context = {"user": user, "items": user.unsent, "today": today}
            body = render_to_string("kam/email_digest.txt", context)
            subject = _("%(n)d new reminders") % {"n": len(user.unsent)}
        ids = [n.pk for n in user.unsent]
        Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now())
        # After the commit: mail for a claim that was rolled back would go out again.
        transaction.on_commit(
            functools.partial(_mail, claim, ids, subject, body, user.email), robust=True
        )
    return 1


def _mail(claim: DigestSent, ids: list[int], subject: str, body: str, to: str) -> None:
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        # Not sent: give the claim back, so the next run mails these reminders.
        log.exception("digest for %s not sent", to)
        with transaction.atomic():
            Notification.objects.filter(pk__in=ids).update(emailed_at=None)
            claim.delete()


EXPORT_KEEP_DAYS = 7
STUCK_AFTER = dt.timedelta(days=1)


def exports_cleanup(today: dt.date) -> int:
    """Export files are copies of what the database holds: a week after they were written the
    file goes (the row stays, a record of who exported what). An export that a dead worker
    left queued or running for a day is marked failed, so its page stops waiting."""
    now = timezone.now()
    old = Export.objects.filter(finished_at__lt=now - dt.timedelta(days=EXPORT_KEEP_DAYS))
    names = list(old.exclude(file="").values_list("file", flat=True))
    Export.objects.filter(file__in=names).update(file="")
    storage = Export._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    Export.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=now - STUCK_AFTER
    ).update(status=ExportStatus.FAILED, error="no worker finished it", finished_at=now)
    return 0
