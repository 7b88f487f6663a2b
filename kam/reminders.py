"""The daily e-mail digest: one mail per person with what is new in their inbox."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kam.jobs import job
from kam.models import Notification, User


@job("email_digest", hour=8, minute=0)
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
            body = render_to_string("kam/email_digest.txt", {"user": user, "items": user.unsent})
            subject = _("%(n)d new reminders") % {"n": len(user.unsent)}
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in user.unsent]).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent
