"""Demo visits, the normal demo only: what the services write beside each row and bulk_create
does not (history rows, contacts met, timeline lines), and the inbox they leave behind. Scale
runs skip all of it, as accounts/demo.py skips its history."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Contact, TimelineEntry
from kam.models import Notification
from kam.services import sign_history
from visits.demo.executives import at, met
from visits.models import (
    ExecutiveSchedule,
    ItineraryChange,
    PlanLine,
    ScheduledVisit,
    SpotCheck,
    Visit,
    VisitPlan,
    VisitRecord,
)
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.months import add_months
from visits.services.plans import returned_title, submitted_title
from visits.services.schedule import published_body, published_title

if TYPE_CHECKING:
    from visits.demo import World

BATCH = 5000


def history(world: World, schedule: ExecutiveSchedule) -> None:
    """One creation row each, dated and signed as the services would have (bulk_create
    writes no history)."""
    end_of = {}
    for plan in VisitPlan.objects.select_related("kam"):
        sign_history(plan, plan.kam, at=plan.created_at)
        end_of[plan.pk] = plan
    VisitPlan.history.bulk_history_create(list(end_of.values()), batch_size=BATCH)
    lines = list(PlanLine.objects.all())
    for line in lines:
        sign_history(line, end_of[line.plan_id].kam, at=end_of[line.plan_id].created_at)
    PlanLine.history.bulk_history_create(lines, batch_size=BATCH)
    records = list(VisitRecord.objects.select_related("kam"))
    for r in records:
        sign_history(r, r.kam, at=r.submitted_at or at(r.month))
    VisitRecord.history.bulk_history_create(records, batch_size=BATCH)
    visits = list(Visit.objects.select_related("visitor"))
    for v in visits:
        sign_history(v, v.visitor, at=v.created_at)
    Visit.history.bulk_history_create(visits, batch_size=BATCH)
    checks = list(SpotCheck.objects.all())
    for c in checks:
        sign_history(c, None, at=c.checked_at or at(add_months(c.month, 1), 9))
    SpotCheck.history.bulk_history_create(checks, batch_size=BATCH)
    office = world.users["gmoffice"]
    ExecutiveSchedule.history.bulk_history_create(
        [schedule], default_user=office, default_date=schedule.published_at
    )
    ScheduledVisit.history.bulk_history_create(
        list(schedule.items.all()), default_user=office, default_date=schedule.created_at
    )


def timeline_and_contacts(world: World) -> None:
    """What visit_create writes beside each visit: whom it met and a line on the account's
    timeline; and the itinerary changes' lines."""
    through = Visit.contacts.through
    people = dict(Contact.objects.values_list("pk", "name"))
    links, entries = [], []
    for v in Visit.objects.select_related("plan_line"):
        contact = met(world, v)
        if contact is not None:
            links.append(through(visit_id=v.pk, contact_id=contact))
        purposes = "、".join(str(Purpose(p).label) for p in v.purposes)
        summary = " · ".join(
            x for x in (v.visited_on.isoformat(), people.get(contact, ""), purposes) if x
        )
        entries.append(
            TimelineEntry(
                account_id=v.account_id,
                kind="visit",
                summary=summary,
                actor_id=v.visitor_id,
                url=reverse("visits:visit_detail", args=[v.pk]),
                at=at(v.visited_on, v.time_in.hour if v.time_in else 9),
            )
        )
    for c in ItineraryChange.objects.select_related("line"):
        entries.append(
            TimelineEntry(
                account_id=c.line.account_id,
                kind="itinerary_change",
                summary=f"{c.what_changed}（{c.reason}）",
                actor_id=c.reported_by_id,
                url=reverse("visits:plan_detail", args=[c.line.plan_id]),
                at=c.reported_at,
            )
        )
    through.objects.bulk_create(links, batch_size=BATCH)
    TimelineEntry.objects.bulk_create(entries, batch_size=BATCH)


def _worded(text) -> str:
    """A notice's text as the services word it, in the demo's language (Chinese); the
    message itself is stored beside it, so each reader sees it in her own language."""
    with translation.override("zh-hans"):
        return str(text)


def notifications(world: World, schedule: ExecutiveSchedule) -> None:
    """The inbox as the services left it: plans waiting for the VP, a returned plan waiting
    for its KAM, and everyone's copy of this year's schedule."""
    vp = world.users["salesvp"]
    waiting = VisitPlan.objects.filter(
        month=add_months(world.this_month, 1),
        status__in=[PlanStatus.SUBMITTED, PlanStatus.RETURNED],
    ).select_related("kam")
    notes = []
    for plan in waiting:
        n = plan.transitions.count()
        if plan.status == PlanStatus.SUBMITTED:
            title = submitted_title(plan)
            notes.append(
                Notification(
                    recipient=vp,
                    kind="plan_submitted",
                    key=f"plan_submitted:{plan.pk}:{n}",
                    title=_worded(title),
                    message={"title": title.as_json()},
                    url=reverse("visits:plan_detail", args=[plan.pk]),
                )
            )
        else:
            title = returned_title(plan)
            notes.append(
                Notification(
                    recipient=plan.kam,
                    kind="plan_returned",
                    key=f"plan_returned:{plan.pk}:{n}",
                    title=_worded(title),
                    message={"title": title.as_json()},
                    body=plan.comment,
                    url=reverse("visits:plan_detail", args=[plan.pk]),
                )
            )
    counts = defaultdict(int)
    for visitor in schedule.items.values_list("visitor_id", flat=True):
        counts[visitor] += 1
    for visitor, n in counts.items():
        # The same wording as the service's, in the demo's language (the default, Chinese).
        title, body = published_title(schedule.year), published_body(schedule.year, n)
        notes.append(
            Notification(
                recipient_id=visitor,
                kind="executive_schedule",
                key=f"schedule:{schedule.year}:{schedule.published_at:%Y%m%d%H%M%S%f}",
                title=_worded(title),
                body=_worded(body),
                message={"title": title.as_json(), "body": body.as_json()},
                url=reverse("visits:my_schedule") + f"?year={schedule.year}",
                read_at=timezone.now(),
            )
        )
    Notification.objects.bulk_create(notes)
