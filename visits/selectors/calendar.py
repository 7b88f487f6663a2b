"""Reads for the calendar page and the iCalendar feed: one user's own visits, as entries.

What a user's calendar holds (SPEC §8), all of it her own:
- the lines of her monthly plans (a KAM's), in whatever state the plan is, until a visit is
  recorded against them: from then on the visit stands in their place;
- the visits she recorded (any kind: visit, year-end card, festival call), not withdrawn;
- the executive schedule's published items that are hers (sales managers and executives);
  for a KAM also the items of other people to her own accounts, because she arranges those
  visits and usually goes along (安排上级领导的拜访). A schedule item has a month, not a day.

Scope: the plan lines and schedule items are limited to accounts the user may still record a
visit to (`recordable_accounts`), so a KAM whose account went to a colleague, or a manager
who changed roles, stops seeing what is no longer hers. Visits are what `visits_visible_to`
shows her. Each of the three reads is one query, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kam import roles
from kam.models import User
from kam.roles import Role
from visits.models import PlanLine, ScheduledVisit, Visit
from visits.models.choices import Purpose, VisitKind
from visits.models.plans import PlanStatus
from visits.selectors.plans import plans_visible_to
from visits.selectors.records import recordable_accounts, visits_visible_to
from visits.selectors.schedule import with_done

PLAN, VISIT, SCHEDULED = "plan", "visit", "scheduled"
DONE, NOT_RECORDED, OPEN = "done", "not_recorded", "open"
UID_PREFIXES = {PLAN: "plan-line", VISIT: "visit", SCHEDULED: "scheduled-visit"}

STATE_LABELS = {
    **dict(PlanStatus.choices),
    DONE: pgettext_lazy("calendar", "Visited"),
    NOT_RECORDED: _("No visit recorded"),
    OPEN: pgettext_lazy("calendar", "Scheduled"),
}


@dataclass
class Entry:
    """One thing on the calendar. `day` is None for a schedule item, which has only a month."""

    kind: str  # PLAN, VISIT or SCHEDULED
    pk: int
    account_id: int
    account_name: str
    url: str
    month: dt.date
    day: dt.date | None = None
    state: str = ""  # a plan's status, DONE, NOT_RECORDED or OPEN
    purposes: list[str] = field(default_factory=list)
    start: dt.time | None = None
    end: dt.time | None = None
    hours: Decimal | None = None  # expected (plan line) or stayed (visit)
    contact: str = ""
    note: str = ""  # a visit's kind when not a visit, a line's notes
    who: str = ""  # a schedule item's visitor and role
    is_own: bool = True

    @property
    def uid(self) -> str:
        """Stable for the row's life: a calendar app updates the event instead of adding one."""
        return f"{UID_PREFIXES[self.kind]}-{self.pk}"

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, ""))

    @property
    def glyph(self) -> str:
        """The mark before the entry's name: ✓ for a visit made, ! for a past plan line with
        no visit recorded, nothing for the rest."""
        if self.kind == VISIT or self.state == DONE:
            return "✓"
        return "!" if self.state == NOT_RECORDED else ""

    @property
    def purpose_text(self) -> str:
        return "、".join(self.purposes)


@dataclass
class Calendar:
    days: dict[dt.date, list[Entry]]  # plan lines and visits by day
    scheduled: list[Entry]  # schedule items of the months shown (the first, on the page)
    scheduled_total: int = 0  # how many there are in all

    def on(self, day: dt.date) -> list[Entry]:
        return self.days.get(day, [])

    def __len__(self) -> int:
        return sum(len(v) for v in self.days.values()) + len(self.scheduled)


def _purpose_labels(codes: list) -> list[str]:
    labels = dict(Purpose.choices)
    return [str(labels[c]) for c in codes if c in labels]


def _line_entries(user: User, start: dt.date, end: dt.date, today: dt.date) -> list[Entry]:
    own_plans = plans_visible_to(user).filter(kam=user).values("pk")
    recorded = Visit.objects.filter(plan_line=OuterRef("pk"), is_cancelled=False)
    lines = (
        PlanLine.objects.filter(
            plan__in=own_plans,
            account__in=recordable_accounts(user).values("pk"),
            is_cancelled=False,
            planned_on__range=(start, end),
        )
        .exclude(Exists(recorded))
        .select_related("plan", "account", "contact")
        .order_by("planned_on", "account__name", "pk")
    )
    return [
        Entry(
            kind=PLAN,
            pk=line.pk,
            account_id=line.account_id,
            account_name=line.account.name,
            url=reverse("visits:plan_detail", args=[line.plan_id]),
            month=line.plan.month,
            day=line.planned_on,
            state=NOT_RECORDED if line.planned_on < today else line.plan.status,
            purposes=_purpose_labels(line.purposes),
            hours=line.expected_hours,
            contact=line.contact.name if line.contact_id else "",
            note=line.notes,
        )
        for line in lines
    ]


def _visit_entries(user: User, start: dt.date, end: dt.date) -> list[Entry]:
    visits = (
        visits_visible_to(user)
        .select_related(None)
        .select_related("account")
        .filter(visitor=user, is_cancelled=False, visited_on__range=(start, end))
        .order_by("visited_on", "time_in", "pk")
    )
    kinds = dict(VisitKind.choices)
    return [
        Entry(
            kind=VISIT,
            pk=v.pk,
            account_id=v.account_id,
            account_name=v.account.name,
            url=reverse("visits:visit_detail", args=[v.pk]),
            month=v.visited_on.replace(day=1),
            day=v.visited_on,
            state=DONE,
            purposes=_purpose_labels(v.purposes),
            start=v.time_in,
            end=v.time_out,
            hours=v.hours,
            note="" if v.kind == VisitKind.VISIT else str(kinds.get(v.kind, "")),
        )
        for v in visits
    ]


def _schedule_scope(user: User) -> Q:
    scope = Q()
    if roles.has_own_schedule(user):
        scope |= Q(visitor=user)
    if roles.reach(user) is roles.Reach.OWN:  # a KAM: what is scheduled at her accounts
        scope |= Q(account__owner=user)
    return scope


def _scheduled_url(user: User, item: ScheduledVisit) -> str:
    if item.done_visit_id:
        return reverse("visits:visit_detail", args=[item.done_visit_id])
    if roles.can_edit_schedule(user):
        return reverse("visits:schedule_item", args=[item.pk])
    if item.visitor_id == user.pk:
        return f"{reverse('visits:my_schedule')}?year={item.month.year}&show=all"
    return reverse("accounts:detail", args=[item.account_id])


def _scheduled_entries(
    user: User, first: dt.date, last: dt.date, limit: int | None = None
) -> tuple[list[Entry], int]:
    """Published items of the months first..last (first days of months), at most `limit` of
    them, and how many there are in all. An executive has thousands a month: the page shows
    the first and counts the rest in the same query (an uncorrelated subquery, run once)."""
    scope = _schedule_scope(user)
    if not scope:
        return [], 0
    base = ScheduledVisit.objects.filter(
        scope,
        account__in=recordable_accounts(user).values("pk"),
        is_cancelled=False,
        schedule__published_at__isnull=False,
        month__range=(first, last),
    )
    items = (
        with_done(base)
        .select_related("account", "visitor")
        .order_by("month", "account__name", "pk")
    )
    if limit is not None:
        every = base.order_by().values("is_cancelled").annotate(n=Count("pk")).values("n")
        items = items.annotate(total=Subquery(every[:1]))[:limit]
    entries, total = [], 0
    for item in items:
        total = getattr(item, "total", 0)
        own = item.visitor_id == user.pk
        entries.append(
            Entry(
                kind=SCHEDULED,
                pk=item.pk,
                account_id=item.account_id,
                account_name=item.account.name,
                url=_scheduled_url(user, item),
                month=item.month,
                day=item.done_on,
                state=DONE if item.done_visit_id else OPEN,
                who=item.role_label if own else f"{item.visitor} · {item.role_label}",
                is_own=own,
            )
        )
    return entries, (total if limit is not None else len(entries))


def calendar_for(
    user: User,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    *,
    months: tuple[dt.date, dt.date],
    scheduled_limit: int | None = None,
) -> Calendar:
    """The user's plan lines and visits dated start..end, and her schedule items of the
    months months[0]..months[1]: three queries."""
    days: dict[dt.date, list[Entry]] = defaultdict(list)
    for entry in _visit_entries(user, start, end) + _line_entries(user, start, end, today):
        days[entry.day].append(entry)
    for entries in days.values():
        # Done visits by the hour they began, then what is still planned.
        entries.sort(key=lambda e: (e.kind != VISIT, e.start or dt.time.min, e.account_name))
    scheduled, scheduled_total = _scheduled_entries(user, *months, limit=scheduled_limit)
    return Calendar(dict(days), scheduled, scheduled_total)


@dataclass
class ScheduleLoad:
    visitor_id: int
    visitor: str
    role: str
    count: int
    url: str


def schedule_month_load(user: User, month: dt.date) -> list[ScheduleLoad]:
    """For those who see the whole executive schedule: the month's items per person, each
    a link to the schedule page filtered to that person and month. One query."""
    if not roles.can_see_schedule(user):
        return []
    rows = (
        ScheduledVisit.objects.filter(
            schedule__year=month.year, month=month.replace(day=1), is_cancelled=False
        )
        .order_by()
        .values("visitor_id", "visitor__name", "visitor__username", "visitor_role")
        .annotate(n=Count("pk"))
        .order_by("visitor_role", "visitor__name", "visitor_id")
    )
    base = reverse("visits:schedule_year", args=[month.year])
    role_labels = dict(Role.choices)
    return [
        ScheduleLoad(
            visitor_id=r["visitor_id"],
            visitor=r["visitor__name"] or r["visitor__username"],
            role=str(role_labels.get(r["visitor_role"], "")),
            count=r["n"],
            url=f"{base}?visitor={r['visitor_id']}&month={month.month}",
        )
        for r in rows
    ]
