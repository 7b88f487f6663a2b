"""The daily e-mail digest: one mail per person with what is new in their inbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.models import Export, ExportStatus, Notification, User


def email_digest(today: dt.date) -> int:
    """Only when EMAIL_URL is configured; otherwise the inbox is the only channel."""
    if not settings.EMAIL_URL:
        return 0
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    users = (
        User.objects.filter(is_active=True, notifications__in=pending)
        .exclude(email="")
        .distinct()
        .prefetch_related(Prefetch("notifications", queryset=pending, to_attr="unsent"))
    )
    sent = 0
    for user in users:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"user": user, "items": user.unsent, "today": today}
            body = render_to_string("kam/email_digest.txt", context)
            subject = _("%(n)d new reminders") % {"n": len(user.unsent)}
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in user.unsent]).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent


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
