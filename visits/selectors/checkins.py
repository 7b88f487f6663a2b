"""Reads for check-ins (签到 / 签退): today's visits of a KAM, her check-ins, and getters that
keep the visit's read rule (visits_visible_to) for everything a check-in shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import KeyAccount
from kam.models import User
from visits.models import CheckIn, PlanLine, Visit
from visits.models.plans import PlanStatus
from visits.months import this_month
from visits.selectors.records import visits_visible_to


def checkin_of(visit: Visit) -> CheckIn | None:
    """The visit's check-in, or None (the reverse one-to-one raises when there is none)."""
    try:
        return visit.checkin
    except CheckIn.DoesNotExist:
        return None


def checkin_accounts(user: User) -> QuerySet[KeyAccount]:
    """Where she may check in: the live accounts she owns."""
    return KeyAccount.objects.filter(owner=user, is_archived=False)


def today_lines(user: User) -> QuerySet[PlanLine]:
    """Her visits planned for today: lines of this month's approved plan."""
    return PlanLine.objects.filter(
        plan__kam=user,
        plan__month=this_month(),
        plan__status=PlanStatus.APPROVED,
        planned_on=timezone.localdate(),
        is_cancelled=False,
    ).select_related("account", "contact")


@dataclass
class TodayRow:
    line: PlanLine
    visit: Visit | None  # the visit recorded on the line, if any
    checkin: CheckIn | None


def today_rows(user: User) -> list[TodayRow]:
    """Today's planned visits, each with what has happened to it so far (two queries)."""
    lines = list(today_lines(user).order_by("account__name", "pk"))
    visits = Visit.objects.filter(plan_line__in=[line.pk for line in lines], is_cancelled=False)
    by_line = {v.plan_line_id: v for v in visits.select_related("checkin").order_by("pk")}
    rows = []
    for line in lines:
        visit = by_line.get(line.pk)
        rows.append(TodayRow(line, visit, checkin_of(visit) if visit else None))
    return rows


def today_checkins(user: User) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(
            visit__visitor=user, visit__visited_on=timezone.localdate(), visit__is_cancelled=False
        )
        .select_related("visit__account")
        .order_by("checked_in_at", "pk")
    )


def open_checkin(user: User, account: KeyAccount) -> CheckIn | None:
    """Her check-in at this account today that she has not checked out of yet."""
    return (
        CheckIn.objects.filter(
            visit__visitor=user,
            visit__account=account,
            visit__visited_on=timezone.localdate(),
            visit__is_cancelled=False,
            checked_out_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def checkin_for_visitor(user: User, visit_pk: int) -> CheckIn:
    """The check-in page is the visitor's: a reader of the visit gets 403, anyone else 404."""
    visit = visits_visible_to(user).filter(pk=visit_pk).values("visitor_id").first()
    if visit is None:
        raise Http404
    if visit["visitor_id"] != user.pk:
        raise PermissionDenied
    checkin = (
        CheckIn.objects.select_related(
            "visit__account__location", "visit__record", "visit__plan_line"
        )
        .filter(visit_id=visit_pk)
        .first()
    )
    if checkin is None:
        raise Http404
    return checkin


def photo_for_reader(user: User, visit_pk: int) -> CheckIn:
    """The photo of a check-in, for whoever may read the visit; 404 for anyone else, and for
    a check-in without a photo, so a guessed URL tells nothing."""
    visit = visits_visible_to(user).select_related("checkin").filter(pk=visit_pk).first()
    checkin = checkin_of(visit) if visit is not None else None
    if checkin is None or not checkin.photo:
        raise Http404
    return checkin
