"""Writes for the calendar subscription: create a user's secret address, or reset it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kam import roles
from kam.models import User
from visits.models import CalendarFeed
from visits.models.calendar import new_token


@transaction.atomic
def calendar_feed_create(*, user: User) -> CalendarFeed:
    """The user's address, made on first request; asking again returns the same one."""
    if not roles.can_subscribe_calendar(user):
        raise PermissionDenied
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new token replaces the old one in the same row: the old address stops working at
    once (it no longer matches anything), wherever it was copied to."""
    if not roles.can_subscribe_calendar(user):
        raise PermissionDenied
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user)
    feed.token = new_token()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed
