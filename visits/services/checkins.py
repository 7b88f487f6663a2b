"""签到 / 签退 (SPEC §8): a KAM checks in at her customer, checks out, may add a photo, and may
make the check-in's position her customer's location.

A check-in belongs to a visit of the month's record: it creates that visit through the record
service (visits/services/records.py), or attaches to the one she already recorded for the
account today, so the record, the plan line and the visit form stay one flow. Times are the
server's, never the phone's.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from accounts.services import timeline_add
from kam import roles
from kam.models import User
from kam.services import save_with_history
from visits import geo
from visits.models import AccountLocation, CheckIn, LocationStatus, PlanLine, Visit
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.photos import reencode_photo
from visits.selectors.checkins import open_checkin
from visits.services import records


@dataclass(frozen=True)
class Fix:
    """A position from the browser's geolocation: decimal degrees, accuracy in metres."""

    latitude: float
    longitude: float
    accuracy_m: float | None = None


def _status(fix: Fix | None, reported: str) -> str:
    """A position is a position; without one, the browser said whether she refused it. A
    form posted without JavaScript says nothing, and counts as unavailable."""
    if fix is not None:
        return LocationStatus.OK
    if reported == LocationStatus.DENIED:
        return LocationStatus.DENIED
    return LocationStatus.UNAVAILABLE


def _check_line(by: User, account: KeyAccount, line: PlanLine | None, today: dt.date) -> None:
    if line is None:
        return
    plan = line.plan
    if (
        plan.kam_id != by.pk
        or plan.status != PlanStatus.APPROVED
        or line.is_cancelled
        or line.account_id != account.pk
        or line.planned_on != today
    ):
        raise ValidationError(_("Choose a visit of today's approved plan for this account."))


def _visit_for(by: User, account: KeyAccount, line: PlanLine | None, today: dt.date) -> Visit:
    """The visit she recorded for this account today (on this plan line, or unplanned) and
    has not checked in to, or else a new one, written by the record service."""
    existing = (
        Visit.objects.filter(
            visitor=by,
            account=account,
            visited_on=today,
            plan_line=line,
            is_cancelled=False,
            checkin__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    # What the plan said, for her to complete in the visit form once she is out.
    planned = line is not None
    data = records.VisitInput(
        account=account,
        visited_on=today,
        contacts=[line.contact] if planned and line.contact_id else [],
        purposes=list(line.purposes) if planned and line.purposes else [Purpose.RELATIONSHIP],
        plan_line=line,
    )
    return records.visit_create(by=by, data=data)


def _distance(account: KeyAccount, fix: Fix | None) -> int | None:
    location = AccountLocation.objects.filter(account=account).first()
    if location is None or fix is None:
        return None
    metres = geo.haversine_m(fix.latitude, fix.longitude, location.latitude, location.longitude)
    return round(metres)


@transaction.atomic
def checkin_create(
    *,
    by: User,
    account: KeyAccount,
    plan_line: PlanLine | None = None,
    fix: Fix | None = None,
    reported_status: str = "",
) -> CheckIn:
    """签到: at one of her accounts, for today's planned visit or an unplanned one."""
    if not roles.can_check_in(by) or account.owner_id != by.pk or account.is_archived:
        raise PermissionDenied
    # One check-in at a time per KAM: a double tap on a slow network must not make two visits.
    User.objects.select_for_update().filter(pk=by.pk).first()
    today = timezone.localdate()
    _check_line(by, account, plan_line, today)
    if open_checkin(by, account) is not None:
        raise ValidationError(_("You are already checked in at this customer: check out first."))
    visit = _visit_for(by, account, plan_line, today)
    distance = _distance(account, fix)
    checkin = CheckIn(
        visit=visit,
        checked_in_at=timezone.now(),
        latitude=fix.latitude if fix else None,
        longitude=fix.longitude if fix else None,
        accuracy_m=fix.accuracy_m if fix else None,
        location_status=_status(fix, reported_status),
        distance_m=distance,
        flagged=geo.is_far(distance, settings.CHECKIN_MAX_DISTANCE_M),
    )
    save_with_history(checkin, by)
    return checkin


def _minute(moment: dt.datetime) -> tuple[dt.date, dt.time]:
    local = timezone.localtime(moment)
    return local.date(), local.time().replace(second=0, microsecond=0)


def _own_checkin(checkin: CheckIn, by: User) -> CheckIn:
    checkin = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("visit", "visit__account", "visit__record")
        .get(pk=checkin.pk)
    )
    if checkin.visit.visitor_id != by.pk or not roles.can_check_in(by):
        raise PermissionDenied
    if checkin.visit.is_cancelled:
        raise ValidationError(_("This visit has been withdrawn."))
    return checkin


@transaction.atomic
def checkin_checkout(*, checkin: CheckIn, by: User, fix: Fix | None = None) -> CheckIn:
    """签退: the server's time; the visit's time in, time out and hours stayed follow from
    the two, as the visit form computes them."""
    checkin = _own_checkin(checkin, by)
    if checkin.checked_out_at is not None:
        raise ValidationError(_("You have already checked out of this visit."))
    now = timezone.now()
    day_in, time_in = _minute(checkin.checked_in_at)
    day_out, time_out = _minute(now)
    if day_out != day_in:
        raise ValidationError(
            _("A visit is checked out on the day of its check-in: enter the time out in the visit.")
        )
    if time_out <= time_in:
        raise ValidationError(_("You checked in less than a minute ago: check out a little later."))
    records.visit_set_times(visit=checkin.visit, by=by, time_in=time_in, time_out=time_out)
    checkin.checked_out_at = now
    if fix is not None:
        checkin.out_latitude, checkin.out_longitude = fix.latitude, fix.longitude
        checkin.out_accuracy_m = fix.accuracy_m
    save_with_history(checkin, by)
    return checkin


@transaction.atomic
def checkin_photo_set(*, checkin: CheckIn, by: User, upload) -> CheckIn:
    """The photo, re-encoded (no EXIF, no GPS, at most 1600 px), under a name nobody can
    guess. A replaced photo's file stays: the history still names it."""
    checkin = _own_checkin(checkin, by)
    record = checkin.visit.record
    if record is not None and record.status != RecordStatus.OPEN:
        raise ValidationError(_("The month's record has been submitted: it can no longer change."))
    data = reencode_photo(upload)
    checkin.photo.save(f"{secrets.token_urlsafe(24)}.jpg", ContentFile(data), save=False)
    save_with_history(checkin, by, update_fields=["photo"])
    return checkin


@transaction.atomic
def account_location_set(*, checkin: CheckIn, by: User) -> AccountLocation:
    """设为客户位置: the owner KAM makes this check-in's position her customer's location;
    check-ins from now on are measured against it."""
    checkin = _own_checkin(checkin, by)
    account = checkin.visit.account
    if account.owner_id != by.pk:
        raise PermissionDenied
    if not checkin.is_located:
        raise ValidationError(_("This check-in has no position to use."))
    location = AccountLocation.objects.select_for_update().filter(account=account).first()
    location = location or AccountLocation(account=account)
    location.latitude, location.longitude = checkin.latitude, checkin.longitude
    location.accuracy_m = checkin.accuracy_m
    location.set_from, location.set_by, location.set_at = checkin, by, timezone.now()
    save_with_history(location, by)
    timeline_add(
        account=account,
        kind="location_set",
        summary=f"{location.latitude:.5f}, {location.longitude:.5f}",
        actor=by,
        url=reverse("visits:visit_detail", args=[checkin.visit_id]),
    )
    return location
