"""The hand-over (交接, §7) also moves the leaver's open plans: visits planned but not made.

What moves: every line of any of the leaver's plans (draft, returned, submitted, and also
approved: an approved plan's future visits are work still to do) that is dated on or after
the hand-over day, not removed, and has no visit recorded against it. Each goes to the
successor of its account, into the successor's plan for the same month, created as a draft
when there is none. A successor's plan that was submitted or approved is reopened
(returned, by the person performing the hand-over, with a comment naming the lines taken
over), so that everything in a plan the sales VP approved was seen by the VP. Past lines,
lines with a visit and removed lines stay where they are: they are the leaver's record.

Then nothing of hers stays open (`close_open_work`, the next step): her plans not yet approved
(draft, returned, or submitted and waiting for the VP) are closed with a reason, their open
lines having just moved; her open or returned monthly records (§14.2) — the month just ended,
due in a few days, and the current one — are submitted, with the reason, for her sales
manager's review: her visits are hers and are not moved, but they are reviewed. Each closed
plan and each submitted record is an item of the hand-over.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import HandOver, HandOverItem
from kam.messages import Month, message
from kam.models import User
from kam.periods import month_label
from kam.services import notify, save_with_history
from visits.models import PlanLine, PlanTransition, Visit, VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.services.plans import plan_due_on, plan_url
from visits.services.records import record_transition
from visits.tally import mark_changed

HANDOVER_KIND = "plan_line"
PLAN_KIND = "visit_plan"
RECORD_KIND = "visit_record"


def open_plan_lines(leaver: User):
    made = Visit.objects.filter(plan_line=OuterRef("pk"), is_cancelled=False)
    return (
        PlanLine.objects.filter(
            plan__kam=leaver, is_cancelled=False, planned_on__gte=timezone.localdate()
        )
        .exclude(Exists(made))
        .select_related("account", "plan")
        .order_by("planned_on", "pk")
    )


def _target_plan(successor: User, month, by: User, cache: dict) -> VisitPlan:
    key = (successor.pk, month)
    if key not in cache:
        plan = VisitPlan.objects.select_for_update().filter(kam=successor, month=month).first()
        if plan is None:
            plan = VisitPlan(kam=successor, month=month, due_on=plan_due_on(month))
            save_with_history(plan, by)
        cache[key] = plan
    return cache[key]


def move_open_plans(handover: HandOver, leaver: User, successor_of) -> None:
    by = handover.performed_by
    targets: dict = {}
    moved: dict[int, list[PlanLine]] = {}
    for line in open_plan_lines(leaver).select_for_update(of=("self",)):
        successor = successor_of(line.account)
        target = _target_plan(successor, line.plan.month, by, targets)
        label = f"{line.account.name} {line.planned_on:%Y-%m-%d}"
        line.plan = target
        line.notes = (line.notes + " " if line.notes else "") + _("(from %(leaver)s)") % {
            "leaver": leaver
        }
        line.notes = line.notes[:300]
        save_with_history(line, by, update_fields=["plan", "notes"])
        HandOverItem.objects.create(
            handover=handover,
            kind=HANDOVER_KIND,
            object_id=line.pk,
            label=label[:200],
            successor=successor,
        )
        moved.setdefault(target.pk, []).append(line)
    # A line counts while its plan has been submitted: the successor's may not have been.
    mark_changed(account_ids={line.account_id for lines in moved.values() for line in lines})
    for plan in targets.values():
        if plan.pk in moved and not plan.is_editable:
            _reopen(plan, by, leaver, len(moved[plan.pk]))


def _reopen(plan: VisitPlan, by: User, leaver: User, count: int) -> None:
    comment = _(
        "%(count)d planned visits were taken over from %(leaver)s: check them and resubmit."
    ) % {"count": count, "leaver": leaver}
    PlanTransition.objects.create(
        plan=plan, from_status=plan.status, to_status=PlanStatus.RETURNED, by=by, comment=comment
    )
    plan.status = PlanStatus.RETURNED
    plan.comment = comment
    save_with_history(plan, by, update_fields=["status", "comment"])
    notify(
        recipients=[plan.kam],
        kind="plan_returned",
        key=f"plan_handover:{plan.pk}:{plan.transitions.count()}",
        title=message(
            gettext_lazy("Your visit plan for %(month)s has new lines from a hand-over"),
            month=Month(plan.month),
        ),
        body=comment,
        url=plan_url(plan),
    )


def close_open_work(handover: HandOver, leaver: User, successor_of) -> None:
    """After `move_open_plans`: close the leaver's unapproved plans and submit her open
    records, so that nothing waits on a user who can no longer sign in."""
    by = handover.performed_by
    for plan in VisitPlan.objects.select_for_update().filter(
        kam=leaver, status__in=(PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.SUBMITTED)
    ):
        _close_plan(handover, plan, leaver, by)
    manager = leaver.team.manager if leaver.team_id else None
    for record in VisitRecord.objects.select_for_update().filter(
        kam=leaver, status__in=(RecordStatus.OPEN, RecordStatus.RETURNED)
    ):
        _submit_record(handover, record, leaver, by, manager)


def _close_plan(handover: HandOver, plan: VisitPlan, leaver: User, by: User) -> None:
    label = _("%(month)s plan (%(status)s): closed") % {
        "month": month_label(plan.month),
        "status": plan.get_status_display(),
    }
    comment = _(
        "Closed at the hand-over of %(leaver)s: her open visits went to the successors' plans."
    ) % {"leaver": leaver}
    PlanTransition.objects.create(
        plan=plan, from_status=plan.status, to_status=PlanStatus.CLOSED, by=by, comment=comment
    )
    plan.status, plan.comment = PlanStatus.CLOSED, comment
    save_with_history(plan, by, update_fields=["status", "comment"])
    HandOverItem.objects.create(
        handover=handover, kind=PLAN_KIND, object_id=plan.pk, label=label[:200], successor=None
    )


def _submit_record(
    handover: HandOver, record: VisitRecord, leaver: User, by: User, manager: User | None
) -> None:
    """As `record_submit` would, on her behalf and before the month is over if need be; a
    first submission after the due day is late, like any other."""
    comment = _("Submitted at the hand-over of %(leaver)s, who has left.") % {"leaver": leaver}
    first = record.status == RecordStatus.OPEN and record.submitted_at is None
    record_transition(record=record, to=RecordStatus.SUBMITTED, by=by, comment=comment)
    if first:
        record.submitted_at = timezone.now()
        record.is_late = timezone.localdate() > record.due_on
    record.status = RecordStatus.SUBMITTED
    save_with_history(record, by)
    label = _("%(month)s visit record: submitted for review") % {"month": month_label(record.month)}
    HandOverItem.objects.create(
        handover=handover,
        kind=RECORD_KIND,
        object_id=record.pk,
        label=label[:200],
        successor=manager,
    )
    if manager is None:
        return
    notify(
        recipients=[manager],
        kind="record_submitted",
        key=f"record_handover:{record.pk}",
        title=_("The visit record of %(kam)s for %(month)s is submitted at her hand-over")
        % {"kam": leaver, "month": month_label(record.month)},
        body=comment,
        url=reverse("visits:record_detail", args=[record.pk]),
    )
