"""Writes on visits and the month's record (月度客户拜访记录表, §14.2): each visit as it happened,
the KAM's submission by the 5th, itinerary changes (行程变更) and the sales manager's review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Contact, KeyAccount
from accounts.services import sales_vps, timeline_add
from kam import roles
from kam.messages import Month, message
from kam.models import User
from kam.periods import month_label
from kam.roles import Role
from kam.services import notify, save_with_history
from visits import rules
from visits.models import (
    CheckIn,
    ItineraryChange,
    PlanLine,
    RecordTransition,
    Visit,
    VisitRecord,
)
from visits.models.choices import Purpose, VisitKind
from visits.models.plans import LineReview
from visits.models.records import RecordStatus
from visits.months import month_end, month_of
from visits.selectors.records import record_lines, recordable_accounts
from visits.tally import mark_changed

TENTH = Decimal("0.1")


def record_due_on(month: dt.date) -> dt.date:
    """The 5th of the next month, or the first working day after it when it is a holiday
    (the engine's working calendar)."""
    return rules.record_due(month)


def hours_between(time_in: dt.time, time_out: dt.time) -> Decimal:
    """停留时数 to a tenth of an hour, from the clock times of one day."""
    minutes = (time_out.hour * 60 + time_out.minute) - (time_in.hour * 60 + time_in.minute)
    return (Decimal(minutes) / Decimal(60)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass
class VisitInput:
    account: KeyAccount
    visited_on: dt.date
    time_in: dt.time | None = None
    time_out: dt.time | None = None
    contacts: Sequence[Contact] = ()
    purposes: list[str] = field(default_factory=list)
    outcome: str = ""
    competitor_news: str = ""
    next_steps: str = ""
    plan_line: PlanLine | None = None
    change_reason: str = ""  # needed when a planned visit happens on another day
    kind: str = VisitKind.VISIT


def _record_for(kam: User, month: dt.date) -> VisitRecord:
    record, _created = VisitRecord.objects.get_or_create(
        kam=kam, month=month, defaults={"due_on": record_due_on(month)}
    )
    return record


def _open_record(visitor: User, day: dt.date) -> VisitRecord | None:
    """A KAM's visits go into her month's record, which is closed once submitted; other
    visitors (managers, executives) keep no monthly record (§14.2 asks it of KAMs)."""
    if visitor.role != Role.KAM:
        return None
    record = VisitRecord.objects.select_for_update().get(pk=_record_for(visitor, month_of(day)).pk)
    if not record.is_open:
        raise ValidationError(
            _("Your record for %(month)s has been submitted: it can no longer change.")
            % {"month": month_label(record.month)}
        )
    return record


def _check_visit(by: User, data: VisitInput) -> Decimal | None:
    if not recordable_accounts(by).filter(pk=data.account.pk).exists():
        raise PermissionDenied
    if data.visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be recorded before it happens.")})
    if any(c.account_id != data.account.pk for c in data.contacts):
        raise ValidationError({"contacts": _("Choose contacts of this account.")})
    if not data.purposes or not set(data.purposes) <= set(Purpose.values):
        raise ValidationError({"purposes": _("Choose at least one purpose.")})
    if (data.time_in is None) != (data.time_out is None):
        raise ValidationError({"time_out": _("Give both the time in and the time out.")})
    if data.time_in is None:
        return None
    if data.time_out <= data.time_in:
        raise ValidationError({"time_out": _("The time out must be after the time in.")})
    return hours_between(data.time_in, data.time_out)


def _check_line(by: User, data: VisitInput, current: Visit | None) -> None:
    line = data.plan_line
    if line is None:
        return
    if line.plan.kam_id != by.pk or line.is_cancelled or line.account_id != data.account.pk:
        raise ValidationError({"plan_line": _("Choose a line of your plan for this account.")})
    taken = line.visits.filter(is_cancelled=False)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        raise ValidationError({"plan_line": _("Another visit is already recorded for this line.")})
    if data.visited_on != line.planned_on and not data.change_reason.strip():
        raise ValidationError(
            {"change_reason": _("The visit was planned for another day: say why it changed.")}
        )


def record_transition(*, record: VisitRecord, to: str, by: User, comment: str = "") -> None:
    """Keep a state change of the record (the caller saves the record itself)."""
    RecordTransition.objects.create(
        record=record, from_status=record.status, to_status=to, by=by, comment=comment
    )


def _manager_of(kam: User) -> User | None:
    team = kam.team
    return team.manager if team is not None else None


def _visit_url(visit: Visit) -> str:
    return reverse("visits:visit_detail", args=[visit.pk])


def _write_change(visit: Visit, by: User, data: VisitInput) -> None:
    """A planned visit made on another day is an itinerary change: kept on the plan line
    and the visit, and reported to the sales manager."""
    line = data.plan_line
    if line is None or visit.visited_on == line.planned_on:
        return
    if line.changes.filter(visit=visit, new_date=visit.visited_on).exists():
        return
    change = ItineraryChange.objects.create(
        line=line,
        visit=visit,
        reported_by=by,
        what_changed=_("Date %(old)s → %(new)s")
        % {"old": line.planned_on.isoformat(), "new": visit.visited_on.isoformat()},
        reason=data.change_reason.strip()[:300],
        new_date=visit.visited_on,
        hours=visit.hours,
    )
    _announce_change(change, by)


def _announce_change(change: ItineraryChange, by: User) -> None:
    line = change.line
    timeline_add(
        account=line.account,
        kind="itinerary_change",
        summary=f"{change.what_changed}（{change.reason}）",
        actor=by,
        url=reverse("visits:plan_detail", args=[line.plan_id]),
    )
    notify(
        recipients=[_manager_of(by)],
        kind="itinerary_change",
        key=f"itinerary_change:{change.pk}",
        title=message(
            gettext_lazy("%(kam)s changed the itinerary for %(account)s"),
            kam=by,
            account=line.account.name,
        ),
        body=f"{change.what_changed}\n{change.reason}",
        url=reverse("visits:plan_detail", args=[line.plan_id]),
    )


def _apply(visit: Visit, data: VisitInput, hours: Decimal | None) -> None:
    visit.account = data.account
    visit.visited_on = data.visited_on
    visit.time_in, visit.time_out, visit.hours = data.time_in, data.time_out, hours
    visit.purposes = list(data.purposes)
    visit.outcome = data.outcome.strip()
    visit.competitor_news = data.competitor_news.strip()
    visit.next_steps = data.next_steps.strip()
    visit.plan_line = data.plan_line
    visit.kind = data.kind


@transaction.atomic
def visit_create(*, by: User, data: VisitInput) -> Visit:
    if not roles.can_record_visits(by):
        raise PermissionDenied
    hours = _check_visit(by, data)
    _check_line(by, data, None)
    visit = Visit(visitor=by, visitor_role=by.role, record=_open_record(by, data.visited_on))
    _apply(visit, data, hours)
    save_with_history(visit, by)
    mark_changed(account_ids=[visit.account_id])
    visit.contacts.set(data.contacts)
    _write_change(visit, by, data)
    timeline_add(
        account=data.account,
        kind="visit",
        summary=_visit_summary(visit, data),
        actor=by,
        url=_visit_url(visit),
        at=timezone.make_aware(dt.datetime.combine(visit.visited_on, visit.time_in or dt.time(9))),
    )
    return visit


def _visit_summary(visit: Visit, data: VisitInput) -> str:
    met = "、".join(c.name for c in data.contacts)
    purposes = "、".join(str(Purpose(p).label) for p in data.purposes)
    return " · ".join(p for p in (visit.visited_on.isoformat(), met, purposes) if p)


@transaction.atomic
def visit_update(*, visit: Visit, by: User, data: VisitInput) -> Visit:
    """The visitor corrects her visit while its month's record is still open."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.visitor_id != by.pk or visit.is_cancelled:
        raise PermissionDenied
    if visit.record_id is not None:
        _open_record(by, visit.record.month)
    hours = _check_visit(by, data)
    _check_line(by, data, visit)
    _keep_checkin_times(visit, data)
    record = _open_record(by, data.visited_on)  # the date may move it to another month
    # Both accounts' figures change when it moves to another (a plan line is its account's).
    mark_changed(account_ids=[visit.account_id, data.account.pk])
    _apply(visit, data, hours)
    visit.record = record
    save_with_history(visit, by)
    visit.contacts.set(data.contacts)
    _write_change(visit, by, data)
    return visit


def _keep_checkin_times(visit: Visit, data: VisitInput) -> None:
    """A checked-in visit's times are the server's, from the check-in and check-out (签到 /
    签退): the visit form may not move them, or the check-in would prove nothing."""
    if not CheckIn.objects.filter(visit=visit).exists():
        return
    if (data.time_in, data.time_out) != (visit.time_in, visit.time_out):
        raise ValidationError(
            {"time_in": _("The times come from the check-in and check-out: they cannot change.")}
        )
    if data.visited_on != visit.visited_on:
        raise ValidationError(
            {"visited_on": _("The date comes from the check-in: it cannot change.")}
        )


@transaction.atomic
def visit_set_times(*, visit: Visit, by: User, time_in: dt.time, time_out: dt.time) -> Visit:
    """The time in and out of a visit, and so its hours stayed, as a check-out sets them."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("record").get(pk=visit.pk)
    if visit.visitor_id != by.pk or visit.is_cancelled:
        raise PermissionDenied
    if visit.record_id is not None:
        _open_record(by, visit.record.month)
    if time_out <= time_in:
        raise ValidationError({"time_out": _("The time out must be after the time in.")})
    visit.time_in, visit.time_out = time_in, time_out
    visit.hours = hours_between(time_in, time_out)
    save_with_history(visit, by, update_fields=["time_in", "time_out", "hours"])
    return visit


@transaction.atomic
def visit_withdraw(*, visit: Visit, by: User) -> None:
    """A visit entered by mistake is withdrawn, not deleted: history keeps it."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("account").get(pk=visit.pk)
    if visit.visitor_id != by.pk:
        raise PermissionDenied
    if visit.is_cancelled:
        return
    if visit.record_id is not None:
        _open_record(by, visit.record.month)
    visit.is_cancelled = True
    save_with_history(visit, by, update_fields=["is_cancelled"])
    mark_changed(account_ids=[visit.account_id])
    timeline_add(
        account=visit.account,
        kind="visit_withdrawn",
        summary=visit.visited_on.isoformat(),
        actor=by,
        url=_visit_url(visit),
    )


@transaction.atomic
def record_submit(*, kam: User, month: dt.date, by: User) -> VisitRecord:
    """To the sales manager and the sales VP; late after the due day (is_late)."""
    if by.pk != kam.pk or not roles.can_write_plan(by):
        raise PermissionDenied
    month = month_of(month)
    today = timezone.localdate()
    if today < month_end(month):
        raise ValidationError(_("A month's record is submitted once the month is over."))
    record = VisitRecord.objects.select_for_update().get(pk=_record_for(kam, month).pk)
    if not record.is_open:
        raise ValidationError(_("This record has already been submitted."))
    # A record returned and submitted again keeps its first submission: it was on time or not.
    resubmitted = record.status == RecordStatus.RETURNED
    record_transition(record=record, to=RecordStatus.SUBMITTED, by=by)
    if not resubmitted:
        record.submitted_at = timezone.now()
        record.is_late = today > record.due_on
    record.status = RecordStatus.SUBMITTED
    save_with_history(record, by)
    notify(
        recipients=[_manager_of(kam), *sales_vps()],
        kind="record_submitted",
        key=f"record_submitted:{record.pk}:{record.transitions.count()}"
        if resubmitted
        else f"record_submitted:{record.pk}",
        title=message(
            gettext_lazy("%(kam)s resubmitted the visit record for %(month)s")
            if resubmitted
            else gettext_lazy("%(kam)s submitted the visit record for %(month)s"),
            kam=kam,
            month=Month(month),
        ),
        body=message(gettext_lazy("Late: due on %(due)s."), due=record.due_on.isoformat())
        if record.is_late
        else "",
        url=reverse("visits:record_detail", args=[record.pk]),
    )
    return record


@transaction.atomic
def record_review(
    *, record: VisitRecord, by: User, reviews: Mapping[int, tuple[str, str]]
) -> VisitRecord:
    """The sales manager reads the record against the plan: each plan line as planned,
    rescheduled or missed (with a note); unplanned visits are shown as such by the page."""
    record = (
        VisitRecord.objects.select_for_update(of=("self",))
        .select_related("kam__team")
        .get(pk=record.pk)
    )
    if not roles.can_review_record(by, record.kam):
        raise PermissionDenied
    if record.is_open:
        raise ValidationError(_("The record has not been submitted yet."))
    lines = list(record_lines(record.kam, record.month))
    decided = {LineReview.AS_PLANNED, LineReview.RESCHEDULED, LineReview.MISSED}
    for line in lines:
        review, note = reviews.get(line.pk, (LineReview.PENDING, ""))
        if review not in decided:
            raise ValidationError(
                _("Classify every plan line: %(account)s on %(date)s is missing.")
                % {"account": line.account.name, "date": line.planned_on.isoformat()}
            )
        if (line.review, line.review_note) != (review, note.strip()):
            line.review, line.review_note = review, note.strip()[:300]
            save_with_history(line, by, update_fields=["review", "review_note"])
    record.status = RecordStatus.REVIEWED
    record.reviewed_by = by
    record.reviewed_at = timezone.now()
    save_with_history(record, by)
    notify(
        recipients=[record.kam],
        kind="record_reviewed",
        key=f"record_reviewed:{record.pk}:{record.reviewed_at:%Y%m%d%H%M%S}",
        title=message(
            gettext_lazy("%(manager)s reviewed your visit record for %(month)s"),
            manager=by,
            month=Month(record.month),
        ),
        url=reverse("visits:record_detail", args=[record.pk]),
    )
    return record


@transaction.atomic
def itinerary_change_report(
    *,
    line: PlanLine,
    by: User,
    what_changed: str,
    reason: str,
    new_date: dt.date | None = None,
    hours: Decimal | None = None,
    visit: Visit | None = None,
) -> ItineraryChange:
    """行程变更: reported to the sales manager; written into the plan line and, when the
    visit is made, into the visit (which then counts for the line)."""
    line = (
        PlanLine.objects.select_for_update(of=("self",))
        .select_related("plan", "account")
        .get(pk=line.pk)
    )
    if line.plan.kam_id != by.pk or line.is_cancelled:
        raise PermissionDenied
    if not what_changed.strip() or not reason.strip():
        raise ValidationError(_("Say what changed and why."))
    if hours is not None and not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("Hours stayed are between 0.1 and 24.")})
    if visit is not None:
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        if visit.visitor_id != by.pk or visit.account_id != line.account_id or visit.is_cancelled:
            raise ValidationError({"visit": _("Choose one of your visits to this account.")})
        if visit.plan_line_id not in (None, line.pk):
            raise ValidationError({"visit": _("This visit belongs to another plan line.")})
        _link(visit, line, hours, by)
    change = ItineraryChange.objects.create(
        line=line,
        visit=visit,
        reported_by=by,
        what_changed=what_changed.strip()[:300],
        reason=reason.strip()[:300],
        new_date=new_date,
        hours=hours,
    )
    _announce_change(change, by)
    return change


def _link(visit: Visit, line: PlanLine, hours: Decimal | None, by: User) -> None:
    if visit.record_id is not None:
        _open_record(by, visit.record.month)
    visit.plan_line = line
    if visit.hours is None and hours is not None:
        visit.hours = hours
    save_with_history(visit, by, update_fields=["plan_line", "hours"])
    mark_changed(account_ids=[line.account_id])  # the line is done now
