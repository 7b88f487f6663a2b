"""The hand-over (交接, §7) also moves the leaver's open plans: visits planned but not made.

What moves: every line of any of the leaver's plans (draft, returned, submitted, and also
approved: an approved plan's future visits are work still to do) that is dated on or after
the hand-over day, not removed, and has no visit recorded against it. Each goes to the
successor of its account, into the successor's plan for the same month, created as a draft
when there is none. A successor's plan that was submitted or approved is reopened
(returned, by the person performing the hand-over, with a comment naming the lines taken
over), so that everything in a plan the sales VP approved was seen by the VP. Past lines,
lines with a visit and removed lines stay where they are: they are the leaver's record.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import HandOver, HandOverItem
from kam.messages import Month, message
from kam.models import User
from kam.services import notify, save_with_history
from visits.models import PlanLine, PlanTransition, Visit, VisitPlan
from visits.models.plans import PlanStatus
from visits.services.plans import plan_due_on, plan_url
from visits.tally import mark_changed

HANDOVER_KIND = "plan_line"


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
