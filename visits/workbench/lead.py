"""The visits' to-do items for those who lead, review or visit above the KAM (the KAM's own
are in visits/workbench.py, which calls `items` here): a sales manager's records to review,
spot-check calls and team plans; the sales VP's plans to review; the scheduled executive
visits of managers and executives; the festival communication; the GM office's schedule.
Each reads in one or two grouped queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Window
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from accounts.models.archive import Status
from kam import roles
from kam.dues import urgency_for
from kam.models import User
from kam.periods import month_label
from kam.registry import WorkItem
from kam.roles import EXECUTIVES, Role
from visits import rules
from visits.compliance.windows import overdue_counts
from visits.models import ExecutiveSchedule, ScheduledVisit, SpotCheck, VisitPlan
from visits.models.records import RecordStatus, SpotResult
from visits.months import add_months, month_end, month_of
from visits.reminders import schedule_deadline
from visits.selectors.plans import PLANNED_TIERS, plans_waiting
from visits.selectors.records import records_visible_to
from visits.selectors.requirements import KEY_TIERS, rules_in_force
from visits.selectors.schedule import matching_visits
from visits.selectors.spot_checks import sample_size, spot_check_population
from visits.services.plans import plan_due_on
from visits.tally import tally_catch_up
from visits.workbench import section_for


def items(user: User, today: dt.date) -> list[WorkItem]:
    found: list[WorkItem] = []
    if roles.reach(user) is roles.Reach.TEAM:
        found += records_to_review(user) + spot_checks(user, today) + team_plans(user, today)
    if roles.can_review_plan(user):
        found += plans_to_review(user)
    if roles.has_own_schedule(user):
        found += scheduled_visits(user, today)
    if user.role in EXECUTIVES:
        found += festival_greetings(user, today)
    if user.role == Role.GM_OFFICE:
        found += executive_schedule(today)
    return found


def _first_and_count(qs) -> tuple[int | None, int]:
    """The first row's pk (in the queryset's order) and how many rows: one query, the count
    riding along as a window over the whole result."""
    row = qs.annotate(total=Window(Count("pk"))).values_list("pk", "total").first()
    return row if row is not None else (None, 0)


# The sales manager ----------------------------------------------------------------------------


def records_to_review(user: User) -> list[WorkItem]:
    waiting = records_visible_to(user).filter(status=RecordStatus.SUBMITTED)
    first, n = _first_and_count(waiting.order_by("month", "submitted_at", "pk"))
    if not n:
        return []
    one = reverse("visits:record_detail", args=[first])
    return [
        WorkItem(
            key="records-to-review",
            label=_("Visit records waiting for your review"),
            count=n,
            url=one if n == 1 else f"{reverse('visits:records')}?status=submitted",
            urgency="soon",
            section="decide",
            order=10,
        )
    ]


def spot_checks(user: User, today: dt.date) -> list[WorkItem]:
    """This month's calls are about last month's visits (records arrive by the 5th): the calls
    still to make of the sample drawn, or the sample to draw."""
    month = add_months(month_of(today), -1)
    made = SpotCheck.objects.filter(checker=user, month=month).aggregate(
        total=Count("pk"), pending=Count("pk", filter=Q(result=SpotResult.PENDING))
    )
    if made["total"]:
        to_make = made["pending"]
        detail = _("%(made)d of %(total)d made") % {
            "made": made["total"] - to_make,
            "total": made["total"],
        }
    else:
        to_make = sample_size(spot_check_population(user, month).count())
        detail = _("Sample not drawn yet")
    if not to_make:
        return []
    return [
        WorkItem(
            key="spot-checks",
            label=_("Spot-check calls for %(month)s") % {"month": month_label(month)},
            count=to_make,
            detail=detail,
            url=f"{reverse('visits:spot_checks')}?month={month:%Y-%m}",
            section="this_month",
            order=20,
        )
    ]


def team_plans(user: User, today: dt.date) -> list[WorkItem]:
    """Her KAMs with key accounts to plan whose plan for next month is not submitted yet."""
    following = add_months(month_of(today), 1)
    serves = KeyAccount.objects.filter(
        owner=OuterRef("pk"), is_archived=False, tier__in=PLANNED_TIERS, status=Status.ACTIVE
    )
    submitted = VisitPlan.objects.filter(
        kam=OuterRef("pk"), month=following, submitted_at__isnull=False
    )
    n = (
        roles.team_of(user)
        .filter(role=Role.KAM, is_active=True)
        .filter(Exists(serves))
        .exclude(Exists(submitted))
        .count()
    )
    if not n:
        return []
    due = plan_due_on(following)
    return [
        WorkItem(
            key="team-plans",
            label=_("Team plans for %(month)s not yet submitted")
            % {"month": month_label(following)},
            count=n,
            url=f"{reverse('visits:plans')}?month={following:%Y-%m}",
            urgency=urgency_for(due, today),
            section=section_for(due, today, "this_month"),
            due_on=due,
            order=30,
        )
    ]


# The sales VP ---------------------------------------------------------------------------------


def plans_to_review(user: User) -> list[WorkItem]:
    """Opens the first plan waiting; its page leads on to the next once she has decided."""
    first, n = _first_and_count(plans_waiting(user))
    if not n:
        return []
    return [
        WorkItem(
            key="plans-to-review",
            label=_("Visit plans waiting for your review"),
            count=n,
            url=reverse("visits:plan_detail", args=[first]),
            urgency="soon",
            section="decide",
            order=10,
        )
    ]


# Managers and executives: their own scheduled visits; the festival communication -----------


def scheduled_visits(user: User, today: dt.date) -> list[WorkItem]:
    """Her visits in this year's published schedule not made yet: this month's, and earlier
    months' (overdue). One grouped query."""
    month = month_of(today)
    # NOT EXISTS rather than the first matching visit per item: PostgreSQL answers it with one
    # anti-join over her visits instead of an index probe per scheduled visit (an executive
    # has thousands in a year at 20,000 accounts).
    open_items = ScheduledVisit.objects.filter(
        visitor=user,
        is_cancelled=False,
        schedule__year=today.year,
        schedule__published_at__isnull=False,
        month__lte=month,
    ).exclude(Exists(matching_visits()))
    by_month = dict(open_items.order_by().values_list("month").annotate(n=Count("pk")))
    url = f"{reverse('visits:my_schedule')}?year={today.year}"
    found = []
    earlier = sum(n for m, n in by_month.items() if m < month)
    if earlier:
        found.append(
            WorkItem(
                key="scheduled-missed",
                label=_("Scheduled visits of earlier months not made"),
                count=earlier,
                url=url,
                urgency="overdue",
                section="overdue",
                order=60,
            )
        )
    if by_month.get(month):
        due = rules.working_day_on_or_before(month_end(month))
        found.append(
            WorkItem(
                key="scheduled-this-month",
                label=_("Your scheduled visits this month"),
                count=by_month[month],
                url=url,
                urgency=urgency_for(due, today, soon_days=7),
                section=section_for(due, today, "this_month"),
                due_on=due,
                order=60,
            )
        )
    return found


def festival_greetings(user: User, today: dt.date) -> list[WorkItem]:
    """While a festival's window is open (a week before 春节 and 中秋), the key accounts whose
    top-level communication (§13: an executive with the key decision maker) is not done yet,
    company-wide, from the compliance rollup."""
    window = rules.window_of(rules.FESTIVALS, today)
    rule_list = rules_in_force()
    festival_rules = [r for r in rule_list if r.kind == rules.FESTIVAL]
    if window is None or not festival_rules:
        return []
    tally_catch_up(today=today, rule_list=rule_list)
    lookups = {"account__is_archived": False, "account__tier__in": KEY_TIERS}
    judged_on = window.due + dt.timedelta(days=1)
    figures = overdue_counts(
        lookups, festival_rules, group="team", start=window.start, end=window.end, today=judged_on
    )
    owed = sum(f.overdue.get(rules.FESTIVAL, 0) for f in figures.values())
    if not owed:
        return []
    if roles.can_see_compliance(user):
        url = f"{reverse('visits:compliance')}?p={window.end:%Y-%m}"
    else:
        url = reverse("visits:visit_new")
    label = _("Spring Festival greetings") if window.festival == rules.SPRING_FESTIVAL else None
    return [
        WorkItem(
            key="festival",
            label=label or _("Mid-Autumn Festival greetings"),
            detail=_("Key accounts still waiting for the top-level communication"),
            count=owed,
            url=url,
            urgency=urgency_for(window.due, today),
            section=section_for(window.due, today, "this_week"),
            due_on=window.due,
            order=70,
        )
    ]


# The GM office: the executive schedule --------------------------------------------------------


def _schedule_status(schedule: ExecutiveSchedule | None) -> str:
    if schedule is None:
        return _("Not started")
    if not schedule.is_published:
        return _("Draft of %(n)d visits, not published") % {"n": schedule.n}
    if schedule.changed_since_published:
        return _("Changed since it was published")
    return _("Published: %(n)d visits") % {"n": schedule.n}


def executive_schedule(today: dt.date) -> list[WorkItem]:
    """§14.1: next year's schedule is set in December; this year's must exist at all."""
    years = [today.year, today.year + 1]
    schedules = {
        s.year: s
        for s in ExecutiveSchedule.objects.filter(year__in=years).annotate(
            n=Count("items", filter=Q(items__is_cancelled=False))
        )
    }
    found = []
    for year in years:
        schedule = schedules.get(year)
        published = schedule is not None and schedule.is_published
        if year == today.year and published:
            continue  # this year's is in force: nothing to do
        if year > today.year and today.month != 12:
            continue  # next year's is December's work
        due = schedule_deadline(year)
        found.append(
            WorkItem(
                key=f"schedule-{year}",
                label=_("Executive visit schedule for %(year)d") % {"year": year},
                detail=_schedule_status(schedule),
                url=reverse("visits:schedule_year", args=[year]),
                urgency="info" if published else urgency_for(due, today, soon_days=7),
                section=section_for(None if published else due, today, "this_month"),
                due_on=None if published else due,
                order=80,
            )
        )
    return found
