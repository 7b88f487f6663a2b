"""Demo visits: months of plans, visits, records, spot checks, itinerary changes, managers' and
executives' visits, festival calls, year-end cards and this year's executive schedule, with
the gaps a real sales force leaves, so the compliance dashboard has something to act on.

Rows are model instances written straight to the database (visits/demo/rows.py: bulk_create,
or COPY for large batches on PostgreSQL), in the states the services would leave them
(visits/services/*.py): the same due dates, statuses, transitions, visitor roles and hours.
Dates are relative to today. The normal demo starts last December (so this year's figures
are whole and last year's cards are there), or six months back early in the year; `--scale N`
covers three years and skips what is one row per row (history, timeline, contacts met,
notifications) as accounts/demo.py does. Both end with next month's plans.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Status, Tier
from kam.models import User
from kam.roles import Role
from visits import rules
from visits.demo import executives, extras
from visits.demo.executives import at
from visits.demo.rows import Row, save_rows
from visits.demo.texts import (
    KAM_NEWS,
    KAM_OUTCOMES,
    KAM_PURPOSES,
    KAM_STEPS,
    RESCHEDULE_REASONS,
    RETURN_COMMENTS,
    SPOT_NOTES,
)
from visits.models import (
    ExecutiveSchedule,
    ItineraryChange,
    PlanLine,
    PlanTransition,
    SpotCheck,
    Visit,
    VisitPlan,
    VisitRecord,
)
from visits.models.choices import VisitKind
from visits.models.plans import LineReview, PlanStatus
from visits.models.records import RecordStatus, SpotResult
from visits.months import add_months, month_end
from visits.services.plans import plan_due_on
from visits.services.records import hours_between, record_due_on
from visits.tally import tally_rebuild

DEMO_MONTHS_BACK, SCALE_MONTHS_BACK = 6, 35
EXECUTIVES = (Role.SALES_VP, Role.TECH_VP, Role.EXEC_VP, Role.GM)


@dataclass(frozen=True)
class Acc:
    pk: int
    tier: str
    owner_id: int
    manager_id: int | None
    lost_on: dt.date | None
    order: int


@dataclass
class World:
    """Everything the generators share: people, accounts, the calendar and the counts."""

    rng: object
    scale: bool
    today: dt.date
    first: dt.date  # the first month generated
    accounts: list[Acc]
    kams: list[User]
    manager_of: dict[int, User]
    users: dict[str, User]
    holders: dict[str, list[int]]
    diligence: dict[int, float]
    neglected: set[int]
    contacts: dict[int, dict[str, list[int]]]
    workdays: dict[tuple, list[dt.date]] = field(default_factory=dict)
    by_pk: dict[int, Acc] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)
    now: dt.datetime = field(default_factory=timezone.now)
    records: dict[tuple[int, dt.date], VisitRecord] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def this_month(self) -> dt.date:
        return self.today.replace(day=1)

    def days(self, month: dt.date, until: dt.date | None = None) -> list[dt.date]:
        """The month's working days, up to `until` if given (cached: asked once a row)."""
        key = (month, until)
        if key not in self.workdays:
            end = min(month_end(month), until or month_end(month))
            days = [month + dt.timedelta(d) for d in range((end - month).days + 1)]
            self.workdays[key] = [d for d in days if rules.is_working_day(d)]
        return self.workdays[key]

    def contact(self, account: int, *levels: str) -> int | None:
        for level in levels:
            found = self.contacts.get(account, {}).get(level)
            if found:
                return found[0]
        return None


@contextmanager
def stamped_as_given():
    """Let bulk_create keep the past timestamps we give instead of `auto_now_add`'s now."""
    fields = [
        model._meta.get_field(name)
        for model, name in (
            (VisitPlan, "created_at"),
            (PlanTransition, "at"),
            (Visit, "created_at"),
            (ItineraryChange, "reported_at"),
            (ExecutiveSchedule, "created_at"),
        )
    ]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def build(ctx) -> None:
    started = timezone.now()
    world = _world(ctx)
    with stamped_as_given():
        _backdate_accounts(world)
        month = world.first
        while month <= add_months(world.this_month, 1):
            _month(world, month)
            month = add_months(month, 1)
        schedule = executives.schedule(world)
        executives.executive_visits(world, schedule)
        executives.festivals_and_cards(world)
    if not world.scale:
        extras.history(world, schedule)
        extras.timeline_and_contacts(world)
        extras.notifications(world, schedule)
    # Written in bulk, past the services that mark: the compliance rollup is built once, here.
    tally_rebuild()
    seconds = (timezone.now() - started).total_seconds()
    counts = ", ".join(f"{n} {what}" for what, n in world.counts.items())
    ctx.log.append(f"Visits in {seconds:.0f} s: {counts}")


def _world(ctx) -> World:
    rng, today = ctx.rng, timezone.localdate()
    scale = bool(ctx.scale)
    back = add_months(today.replace(day=1), -(SCALE_MONTHS_BACK if scale else DEMO_MONTHS_BACK))
    start = dt.date(today.year - 2, 1, 1) if scale else dt.date(today.year - 1, 12, 1)
    first = min(back, start)
    managers = {t.pk: t.manager for t in {k.team for k in ctx.kams if k.team_id}}
    manager_of = {k.pk: managers[k.team_id] for k in ctx.kams if k.team_id}
    rows = (
        KeyAccount.objects.filter(tier__in=(Tier.STRATEGIC, Tier.IMPORTANT), is_archived=False)
        .exclude(status=Status.DEVELOPING)
        .order_by("pk")
        .values_list("pk", "tier", "owner_id", "lost_on")
    )
    accounts = [
        Acc(pk, tier, owner, getattr(manager_of.get(owner), "pk", None), lost_on, i)
        for i, (pk, tier, owner, lost_on) in enumerate(rows)
    ]
    contacts: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pk, account, level in Contact.objects.order_by("pk").values_list("pk", "account", "level"):
        contacts[account][level].append(pk)
    holders: dict[str, list[int]] = defaultdict(list)
    for pk, role in (
        User.objects.filter(role__in=EXECUTIVES).order_by("pk").values_list("pk", "role")
    ):
        holders[role].append(pk)
    # A KAM's diligence: the share of her planned visits she makes. The third demo KAM is the
    # one the dashboard should flag; at scale everyone differs a little.
    diligence = {
        k.pk: (0.68 if i == 2 else 0.8 + 0.17 * rng.random())
        if not scale
        else rng.uniform(0.7, 0.97)
        for i, k in enumerate(ctx.kams)
    }
    neglected = {a.pk for a in accounts if rng.random() < 0.06}
    world = World(
        rng,
        scale,
        today,
        first,
        accounts,
        ctx.kams,
        manager_of,
        ctx.users,
        holders,
        diligence,
        neglected,
        contacts,
    )
    world.by_pk = {a.pk: a for a in accounts}
    world.notes = _visit_notes(rng)
    return world


def _backdate_accounts(world: World) -> None:
    """The archives demo creates its accounts today; the frequency engine dates an account's
    key status from its `tier_since`, so without this every window before today would ask
    nothing. They were key accounts for all the months generated here."""
    since = at(world.first, 0)
    KeyAccount.objects.filter(created_at__gt=since).update(created_at=since)
    KeyAccount.objects.filter(tier_since__gt=world.first).update(tier_since=world.first)
    KeyAccount.history.filter(history_type="+", history_date__gt=since).update(history_date=since)


# One month: plans, lines, records, the KAMs' visits, itinerary changes, spot checks -------


def _month(world: World, month: dt.date) -> None:
    by_kam: dict[int, list[Acc]] = defaultdict(list)
    for a in world.accounts:
        if a.lost_on is None or a.lost_on >= add_months(month, 1):
            by_kam[a.owner_id].append(a)
    plans = _plans(world, month, [k for k in world.kams if by_kam.get(k.pk)])
    lines = _lines(world, month, plans, by_kam)
    made: dict[int, dt.date] = {}
    if month <= world.this_month:
        _records(world, month)
        made = _outcomes(world, month, lines)
    save_rows(PlanLine, lines)
    world.counts["plan lines"] += len(lines)
    if month > world.this_month:
        return
    visits, changes = _kam_visits(world, month, lines, made, by_kam)
    if month < world.this_month:
        _spot_checks(world, month, visits)
    world.counts["itinerary changes"] += len(changes)


def _plan_story(world: World, month: dt.date, index: int) -> list[str]:
    """The plan's states in order. Past plans were approved (a few after a return); next
    month's are in every state, so the VP has plans to review and one is back with its KAM."""
    if month <= world.this_month:
        returned = world.rng.random() < 0.06
        return (
            ["submitted", "returned", "submitted", "approved"]
            if returned
            else ["submitted", "approved"]
        )
    stories = [
        ["submitted", "approved"],
        ["submitted"],
        ["submitted", "returned"],
        [],
        ["submitted", "returned", "submitted"],
        [],
    ]
    if world.scale:
        return world.rng.choice(stories)
    return stories[index % len(stories)]


def _plans(world: World, month: dt.date, kams: list[User]) -> dict[int, VisitPlan]:
    rng, now = world.rng, timezone.now()
    due = plan_due_on(month)
    vp = world.users["salesvp"]
    plans, transitions = {}, []
    for i, kam in enumerate(kams):
        story = _plan_story(world, month, i)
        late = rng.random() > world.diligence[kam.pk] + 0.1
        submitted = at(due + dt.timedelta(days=rng.randint(1, 4) if late else -rng.randint(0, 6)))
        moment = min(submitted, now - dt.timedelta(hours=30))
        plan = VisitPlan(
            kam=kam,
            month=month,
            due_on=due,
            status=PlanStatus.DRAFT,
            created_at=moment - dt.timedelta(days=3),
        )
        for step in story:
            transitions.append(_step(plan, step, kam, vp, moment, rng))
            moment = min(moment + dt.timedelta(hours=rng.randint(5, 40)), now)
        plans[kam.pk] = plan
    save_rows(VisitPlan, list(plans.values()))
    for t in transitions:
        t.plan_id = t.plan.pk
    save_rows(PlanTransition, transitions)
    world.counts["plans"] += len(plans)
    world.counts["plan transitions"] += len(transitions)
    return plans


def _step(plan: VisitPlan, to: str, kam: User, vp: User, moment, rng) -> PlanTransition:
    """What plan_submit, plan_return and plan_approve write, in that order."""
    comment = rng.choice(RETURN_COMMENTS) if to == PlanStatus.RETURNED else ""
    by = kam if to == PlanStatus.SUBMITTED else vp
    transition = PlanTransition(
        plan=plan, from_status=plan.status, to_status=to, by=by, at=moment, comment=comment
    )
    if to == PlanStatus.SUBMITTED and plan.submitted_at is None:
        plan.submitted_at = moment
        plan.is_late = timezone.localdate(moment) > plan.due_on
    if to in (PlanStatus.RETURNED, PlanStatus.APPROVED):
        plan.decided_by, plan.decided_at, plan.comment = vp, moment, comment
    plan.status = to
    return transition


def _lines(world, month, plans, by_kam) -> list[Row]:
    rng, lines = world.rng, []
    for kam_id, plan in plans.items():
        days = world.days(month)
        for a in by_kam[kam_id]:
            # "1–2 times a month": strategic accounts get a second visit every other month.
            n = 2 if a.tier == Tier.STRATEGIC and rng.random() < 0.35 else 1
            for day in sorted(rng.sample(days, n)):
                lines.append(
                    Row(
                        plan_id=plan.pk,
                        kam_id=kam_id,
                        account_id=a.pk,
                        planned_on=day,
                        contact_id=world.contact(
                            a.pk, ContactLevel.OPERATIONAL, ContactLevel.OPERATIONAL_HEAD
                        ),
                        purposes=rng.choice(KAM_PURPOSES),
                        expected_hours=Decimal(rng.choice(("1.0", "1.5", "2.0", "3.0"))),
                    )
                )
    return lines


def _records(world: World, month: dt.date) -> None:
    """The month's record per KAM: open this month; submitted by the 5th, some late and one
    not at all yet; reviewed by the sales manager, the most recent month only in part."""
    rng, now, today = world.rng, timezone.now(), world.today
    due = record_due_on(month)
    last_closed = add_months(world.this_month, -1)
    records = []
    for i, kam in enumerate(world.kams):
        record = VisitRecord(kam=kam, month=month, due_on=due)
        overdue_one = month == last_closed and (i == 2 if not world.scale else rng.random() < 0.03)
        if month < world.this_month and not overdue_one:
            late = rng.random() > world.diligence[kam.pk] + 0.05
            day = due + dt.timedelta(days=rng.randint(1, 6) if late else -rng.randint(0, 4))
            day = max(day, month_end(month) + dt.timedelta(days=1))
            if day <= today:
                record.status = RecordStatus.SUBMITTED
                record.submitted_at = min(at(day, 17, 30), now)
                record.is_late = day > due
                reviewed = day + dt.timedelta(days=rng.randint(1, 5))
                if reviewed < today and (month < last_closed or rng.random() < 0.5):
                    record.status = RecordStatus.REVIEWED
                    record.reviewed_by = world.manager_of.get(kam.pk)
                    record.reviewed_at = at(reviewed, 10)
        records.append(record)
        world.records[kam.pk, month] = record
    save_rows(VisitRecord, records)
    world.counts["monthly records"] += len(records)


def _visit_notes(rng) -> list[dict]:
    """What KAMs write, in combinations drawn once: one draw a visit instead of seven."""
    notes = []
    for _ in range(256):
        start = rng.choice((9, 9, 10, 10, 13, 14, 15))
        time_in = dt.time(start, rng.choice((0, 30)))
        time_out = dt.time(start + rng.randint(1, 2), rng.choice((0, 30)))
        notes.append(
            {
                "time_in": time_in,
                "time_out": time_out,
                "hours": hours_between(time_in, time_out),
                "outcome": rng.choice(KAM_OUTCOMES),
                "competitor_news": rng.choice(KAM_NEWS),
                "next_steps": rng.choice(KAM_STEPS),
                "purposes": rng.choice(KAM_PURPOSES),
                "late_by": rng.randint(2, 6) if rng.random() < 0.15 else 0,
            }
        )
    return notes


def _kam_visit(world: World, a: Acc, kam_id: int, day: dt.date, line=None) -> Row:
    notes = dict(world.rng.choice(world.notes))
    entered = day + dt.timedelta(days=notes.pop("late_by"))  # some are entered days later
    if line is not None:
        notes["purposes"] = line.purposes
    return Row(
        account_id=a.pk,
        visitor_id=kam_id,
        visitor_role=Role.KAM,
        kind=VisitKind.VISIT,
        visited_on=day,
        plan_line_id=line.id if line else None,
        record_id=world.records[kam_id, day.replace(day=1)].pk,
        created_at=min(at(entered, 18), world.now),
        line=line,
        **notes,
    )


def _outcomes(world: World, month: dt.date, lines: list[Row]) -> dict[int, dt.date]:
    """Which lines the KAM kept, and on which day (id(line) -> day), decided before the
    lines are saved so that a reviewed record's lines carry record_review's verdict."""
    rng, today = world.rng, world.today
    reviewed = {
        kam for (kam, m), r in world.records.items() if m == month and r.status == "reviewed"
    }
    made = {}
    for line in lines:
        if line.planned_on > today:
            continue
        kam_id = line.kam_id
        chance = world.diligence[kam_id] * (0.5 if line.account_id in world.neglected else 1)
        day = None
        if rng.random() <= chance:
            day = line.planned_on
            if rng.random() < 0.1:  # rescheduled within the month
                options = [d for d in world.days(month, today) if 0 < abs((d - day).days) <= 7]
                day = rng.choice(options) if options else day
            made[id(line)] = day
        if kam_id in reviewed:
            line.review_note = ""
            if day is None:
                line.review, line.review_note = LineReview.MISSED, "未按计划拜访，已提醒"
            else:
                line.review = (
                    LineReview.AS_PLANNED if day == line.planned_on else LineReview.RESCHEDULED
                )
    return made


def _kam_visits(world, month, lines, made, by_kam) -> tuple[list[Row], list[Row]]:
    rng, today = world.rng, world.today
    visits, moved = [], []
    for line in lines:
        day = made.get(id(line))
        if day is None:
            continue
        visit = _kam_visit(world, world.by_pk[line.account_id], line.kam_id, day, line)
        visits.append(visit)
        if day != line.planned_on:
            moved.append(visit)
    for kam_id, accounts in by_kam.items():
        days = world.days(month, today)
        for a in accounts:
            if days and rng.random() < 0.07:  # an unplanned visit (a call on the way, an urgency)
                visits.append(_kam_visit(world, a, kam_id, rng.choice(days)))
    save_rows(Visit, visits)
    changes = [
        Row(
            line_id=v.plan_line_id,
            visit_id=v.id,
            reported_by_id=v.visitor_id,
            reported_at=at(min(v.visited_on, v.line.planned_on), 8),
            what_changed=f"日期 {v.line.planned_on.isoformat()} → {v.visited_on.isoformat()}",
            reason=rng.choice(RESCHEDULE_REASONS),
            new_date=v.visited_on,
            hours=v.hours,
        )
        for v in moved
    ]
    save_rows(ItineraryChange, changes)
    world.counts["KAM visits"] += len(visits)
    return visits, changes


def _spot_checks(world: World, month: dt.date, visits: list[Row]) -> None:
    """The sample spot_checks_start fixes (10 %, at least 3, per manager) and the results
    spot_check_record writes; the latest month is still being phoned through."""
    rng, now = world.rng, timezone.now()
    by_manager: dict[int, list[Row]] = defaultdict(list)
    for v in visits:
        manager = world.manager_of.get(v.visitor_id)
        if manager is not None:
            by_manager[manager.pk].append(v)
    latest = month == add_months(world.this_month, -1)
    checks = []
    for manager_pk, population in by_manager.items():
        size = min(len(population), max(3, -(-len(population) // 10)))
        for i, v in enumerate(rng.sample(population, size)):
            check = Row(visit_id=v.id, month=month, checker_id=manager_pk)
            # The latest month is being phoned through: its first call always still waits.
            if not (latest and (i == 0 or rng.random() < 0.4)):
                roll = rng.random()
                check.result = (
                    SpotResult.CONFIRMED
                    if roll < 0.8
                    else SpotResult.NOT_CONFIRMED
                    if roll < 0.9
                    else SpotResult.UNREACHABLE
                )
                if check.result != SpotResult.UNREACHABLE:
                    check.called_contact_id = world.contact(
                        v.account_id, ContactLevel.OPERATIONAL_HEAD, ContactLevel.OPERATIONAL
                    )
                check.notes = SPOT_NOTES.get(check.result, "")
                day = month_end(month) + dt.timedelta(days=rng.randint(2, 12))
                check.checked_at = min(at(day, 15), now)
            checks.append(check)
    save_rows(SpotCheck, checks)
    world.counts["spot checks"] += len(checks)
