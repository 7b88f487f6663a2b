"""What the visits put on the home page's to-do list (registered in visits/apps.py), per role:

- a KAM: her planned visits today and this week (each with "record it" and "check in"), her
  accounts still owed her visit this month under the frequency rules (from the compliance
  rollup), the monthly record and the plans due, plans returned to her;
- a sales manager: records to review, last month's spot-check calls, team plans not yet
  submitted (visits/workbench/lead.py, with the others below);
- the sales VP: plans waiting for her review;
- sales managers and executives: their own scheduled visits; executives: the festival
  communication while its window is open;
- the GM office: the executive schedule to set.

Every function reads in one or two grouped queries whatever the number of accounts, visits
or plans; a line opens the page where the thing is done.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kam import roles
from kam.dues import urgency_for
from kam.models import User
from kam.periods import month_label
from kam.registry import WorkAction, WorkItem
from kam.roles import Role
from visits import rules
from visits.compliance.windows import overdue_counts
from visits.models import PlanLine, Visit, VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.months import add_months, month_end, month_of
from visits.selectors.plans import plannable_accounts
from visits.selectors.requirements import KEY_TIERS, rules_in_force
from visits.services.plans import plan_due_on
from visits.services.records import record_due_on
from visits.tally import tally_catch_up

# This week's visits after today are listed one by one up to this many; the rest are counted.
WEEK_SHOWN = 5


def items(user: User, today: dt.date) -> list[WorkItem]:
    from visits.workbench import lead

    if not user.is_active:
        return []
    found: list[WorkItem] = []
    if roles.can_write_plan(user):
        found += kam_items(user, today)
    found += lead.items(user, today)
    return found


def section_for(due_on: dt.date | None, today: dt.date, section: str) -> str:
    """Anything past its deadline is listed under "overdue", whatever its usual section."""
    return "overdue" if due_on is not None and due_on < today else section


def kam_items(user: User, today: dt.date) -> list[WorkItem]:
    month = month_of(today)
    serves, records = _serves_and_records(user, month)
    found = planned_visits(user, today)
    if serves:
        found += owed_visits(user, today)
    found += record_item(today, month, serves, records)
    found += plan_items(user, today, month, serves)
    return found


def _serves_and_records(user: User, month: dt.date) -> tuple[bool, dict[dt.date, str]]:
    """Whether she has key accounts to plan and visit, and the status of her records of last
    month and this month (absent: not started): one query."""
    last = add_months(month, -1)
    records = VisitRecord.objects.filter(kam=OuterRef("pk"))
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            serves=Exists(plannable_accounts(user)),
            last=Subquery(records.filter(month=last).values("status")[:1]),
            this=Subquery(records.filter(month=month).values("status")[:1]),
        )
        .values_list("serves", "last", "this")
        .get()
    )
    serves, *statuses = row
    return serves, {m: s for m, s in zip((last, month), statuses, strict=True) if s}


# Planned visits: today and the rest of this week ----------------------------------------------


def checkin_url(account_id: int, line_id: int) -> str:
    """The check-in page (签到) for a planned visit."""
    return f"{reverse('visits:checkin')}?{urlencode({'account': account_id, 'line': line_id})}"


def visit_url(account_id: int, line_id: int) -> str:
    return f"{reverse('visits:visit_new')}?{urlencode({'account': account_id, 'line': line_id})}"


def _visit_item(line: PlanLine, today: dt.date) -> WorkItem:
    record = visit_url(line.account_id, line.pk)
    checkin = checkin_url(line.account_id, line.pk)
    actions = [
        WorkAction(_("Check in"), checkin, "checkin"),
        WorkAction(_("Record a visit"), record, "record"),
    ]
    is_today = line.planned_on == today
    day = line.planned_on
    parts = [] if is_today else [f"{date_format(day, 'MONTH_DAY_FORMAT')} {date_format(day, 'l')}"]
    if line.contact:
        parts.append(line.contact.name)
    return WorkItem(
        key=f"visit-{line.pk}",
        label=line.account.name,
        detail=" · ".join(parts),
        url=record,
        urgency="soon" if is_today else "normal",
        section="today" if is_today else "this_week",
        order=10,
        actions=tuple(actions),
    )


def planned_visits(user: User, today: dt.date) -> list[WorkItem]:
    """Her plan lines from today to Sunday not yet recorded: one query, a week of lines."""
    sunday = today + dt.timedelta(days=6 - today.weekday())
    recorded = Visit.objects.filter(plan_line=OuterRef("pk"), is_cancelled=False)
    lines = list(
        PlanLine.objects.filter(
            plan__kam=user, is_cancelled=False, planned_on__range=(today, sunday)
        )
        .exclude(Exists(recorded))
        .select_related("account", "contact")
        .only("pk", "planned_on", "plan_id", "account__name", "contact__name")
        .order_by("planned_on", "account__name", "pk")
    )
    later = [line for line in lines if line.planned_on > today]
    found = [_visit_item(line, today) for line in lines if line.planned_on == today]
    found += [_visit_item(line, today) for line in later[:WEEK_SHOWN]]
    if len(later) > WEEK_SHOWN:
        found.append(
            WorkItem(
                key="visits-week-more",
                label=_("More visits planned this week"),
                count=len(later) - WEEK_SHOWN,
                url=reverse("visits:plan_detail", args=[later[WEEK_SHOWN].plan_id]),
                section="this_week",
                order=20,
            )
        )
    return found


# What the frequency rules still ask of her this month ----------------------------------------


def owed_visits(user: User, today: dt.date) -> list[WorkItem]:
    """Her accounts whose own monthly window (§13: the owner KAM, 1–2 visits a month) is not
    met yet, as the compliance rollup has them: the window judged as if it closed today."""
    rule_list = rules_in_force()
    kam_rules = [r for r in rule_list if r.kind == rules.VISIT and r.visitor_role == Role.KAM]
    if not kam_rules:
        return []
    tally_catch_up(today=today, rule_list=rule_list)
    month = month_of(today)
    last = month_end(month)
    deadline = rules.working_day_on_or_before(last)
    lookups = {
        "account__owner": user,
        "account__is_archived": False,
        "account__tier__in": KEY_TIERS,
    }
    judged_on = deadline + dt.timedelta(days=1)  # every window ending this month counts as closed
    figures = overdue_counts(lookups, kam_rules, group="kam", start=last, end=last, today=judged_on)
    owed = figures[user.pk].overdue.get(Role.KAM, 0) if user.pk in figures else 0
    if not owed:
        return []
    url = reverse("visits:compliance_kam", args=[user.pk])
    return [
        WorkItem(
            key="visits-owed",
            label=_("Accounts still owed your visit this month"),
            count=owed,
            url=f"{url}?p={month:%Y-%m}",
            urgency=urgency_for(deadline, today, soon_days=7),
            section=section_for(deadline, today, "this_month"),
            due_on=deadline,
            order=30,
        )
    ]


# The monthly record and the plans -------------------------------------------------------------


def record_item(
    today: dt.date, month: dt.date, serves: bool, status: dict[dt.date, str]
) -> list[WorkItem]:
    """The record due next: last month's until it is submitted (due the 5th, moved past
    holidays), then this month's. Any state but submitted or reviewed is still hers to do
    (not started, open, or sent back to her)."""
    last = add_months(month, -1)
    done = {RecordStatus.SUBMITTED, RecordStatus.REVIEWED}
    for due_next in (last, month):
        if (due_next in status or serves) and status.get(due_next) not in done:
            return [_record(due_next, today)]
    return []


def _record(month: dt.date, today: dt.date) -> WorkItem:
    due = record_due_on(month)
    return WorkItem(
        key=f"record-{month:%Y-%m}",
        label=_("Visit record for %(month)s") % {"month": month_label(month)},
        url=f"{reverse('visits:my_record')}?month={month:%Y-%m}",
        urgency=urgency_for(due, today),
        section=section_for(due, today, "this_month"),
        due_on=due,
        order=40,
    )


def plan_items(user: User, today: dt.date, month: dt.date, serves: bool) -> list[WorkItem]:
    """Next month's plan until it is submitted (due the 25th), this month's if she started it
    and never submitted it, and every plan returned to her for revision: one query."""
    following = add_months(month, 1)
    plans = list(
        VisitPlan.objects.filter(kam=user)
        .filter(Q(month__in=[month, following]) | Q(status=PlanStatus.RETURNED))
        .only("pk", "month", "status", "due_on", "comment")
        .order_by("month")
    )
    by_month = {p.month: p for p in plans}
    found = [_returned(p) for p in plans if p.status == PlanStatus.RETURNED]
    for plan_month in (month, following):
        plan = by_month.get(plan_month)
        if plan is not None and plan.status == PlanStatus.DRAFT:
            found.append(_to_submit(plan_month, plan, today))
        elif plan is None and plan_month == following and serves:
            found.append(_to_submit(plan_month, None, today))
    return found


def _to_submit(month: dt.date, plan: VisitPlan | None, today: dt.date) -> WorkItem:
    due = plan_due_on(month)
    url = reverse("visits:plan_detail", args=[plan.pk]) if plan else reverse("visits:plans")
    return WorkItem(
        key=f"plan-{month:%Y-%m}",
        label=_("Visit plan for %(month)s") % {"month": month_label(month)},
        detail=_("Draft, not submitted") if plan else _("Not started"),
        url=url,
        urgency=urgency_for(due, today),
        section=section_for(due, today, "this_month"),
        due_on=due,
        order=50,
    )


def _returned(plan: VisitPlan) -> WorkItem:
    # No deadline shown: a plan resubmitted after its due date is not late (only its first
    # submission counts), so "overdue" would mislead.
    return WorkItem(
        key=f"plan-returned-{plan.pk}",
        label=_("Visit plan for %(month)s returned to you") % {"month": month_label(plan.month)},
        detail=plan.comment[:80],
        url=reverse("visits:plan_detail", args=[plan.pk]),
        urgency="soon",
        section="today",
        order=5,
    )
