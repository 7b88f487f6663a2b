"""Demo visits, part two: this year's executive schedule as the GM office published it last
December, the managers' and executives' visits (this year's following the schedule, earlier
years' following the rules), festival calls to key decision makers and year-end cards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models.archive import ContactLevel
from kam.roles import Role
from visits import rules
from visits.demo.rows import Row, save_rows
from visits.demo.texts import CARD_OUTCOMES, EXEC_OUTCOMES, FESTIVAL_OUTCOMES
from visits.models import ExecutiveSchedule, FrequencyRule, ScheduledVisit, Visit
from visits.models.choices import RuleKind, VisitKind
from visits.scheduling import SCHEDULE_ROLES, WINDOW_MONTHS, propose, windows

# Share of scheduled manager and executive visits actually made: the further up, the busier.
DONE_SHARE = {Role.SALES_MANAGER: 0.82, Role.SALES_VP: 0.75, Role.TECH_VP: 0.66}
DONE_SHARE_OTHERS = 0.6
# At scale four executives and two sales managers face thousands of accounts each: they make
# about a third of what the rules ask, as they would (and the dashboard shows it).
SCALE_CAPACITY = 0.35
FESTIVAL_SHARE, CARD_SHARE = 0.7, 0.85
FESTIVAL_CALLERS = (Role.GM, Role.SALES_VP, Role.EXEC_VP, Role.TECH_VP)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A moment of a demo day in the company's time zone (a zoneinfo zone: no localize)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def schedule(world) -> ExecutiveSchedule:
    """This year's schedule: proposed by the engine the service uses, for the whole year,
    published by the GM office in mid-December."""
    from visits.services.schedule import proposal_inputs

    year, office = world.today.year, world.users["gmoffice"]
    december = dt.date(year - 1, 12, 1)
    item = ExecutiveSchedule.objects.create(
        year=year,
        created_by=office,
        created_at=at(december.replace(day=8), 10),
        published_at=at(december.replace(day=18), 16),
        published_by=office,
        revised_at=at(december.replace(day=17), 11),
    )
    accounts, rule_rows, executives, existing = proposal_inputs(item)
    proposal = propose(accounts=accounts, rules=rule_rows, executives=executives)
    items = [
        Row(
            schedule_id=item.pk,
            account_id=s.account_id,
            visitor_id=s.visitor_id,
            visitor_role=s.visitor_role,
            month=dt.date(year, s.month, 1),
        )
        for s in proposal.slots
    ]
    save_rows(ScheduledVisit, items)
    world.counts["scheduled executive visits"] += len(items)
    return item


def _rotation_slots(world, year: int):
    """Earlier years' manager and executive visits: each rule's window, a month that rotates
    with the account and the role, the owner's manager or the role's first holder."""
    rows = FrequencyRule.objects.filter(
        is_active=True, kind=RuleKind.VISIT, visitor_role__in=SCHEDULE_ROLES
    ).values_list("tier", "visitor_role", "period")
    by_tier: dict[str, list[tuple[str, str]]] = {}
    for tier, role, period in rows:
        if period in WINDOW_MONTHS:
            by_tier.setdefault(tier, []).append((role, period))
    for a in world.accounts:
        for role, period in by_tier.get(a.tier, ()):
            holders = world.holders.get(role) or []
            visitor = (
                a.manager_id
                if role == Role.SALES_MANAGER
                else (holders[a.order % len(holders)] if holders else None)
            )
            if visitor is None:
                continue
            for months in windows(period):
                month = months[(a.order + SCHEDULE_ROLES.index(role)) % len(months)]
                yield a, role, visitor, dt.date(year, month, 1)


def _this_year_slots(world, item: ExecutiveSchedule):
    by_pk = world.by_pk
    for account, visitor, role, month in item.items.values_list(
        "account_id", "visitor_id", "visitor_role", "month"
    ):
        if account in by_pk:
            yield by_pk[account], role, visitor, month


def executive_visits(world, item: ExecutiveSchedule) -> None:
    """Visits made for the slots of every year generated: most, not all; this month's only
    in part. Executive visits keep no monthly record (§14.2 asks it of KAMs)."""
    rng, today, visits = world.rng, world.today, []
    capacity = SCALE_CAPACITY if world.scale else 1
    years = range(world.first.year, today.year + 1)
    for year in years:
        slots = (
            _this_year_slots(world, item) if year == today.year else _rotation_slots(world, year)
        )
        for a, role, visitor, month in slots:
            if month < world.first or month > world.this_month:
                continue
            if a.lost_on is not None and month >= a.lost_on.replace(day=1):
                continue
            days = world.days(month, today)
            share = DONE_SHARE.get(role, DONE_SHARE_OTHERS) * capacity
            if month == world.this_month:
                share /= 2
            if days and rng.random() < share:
                visits.append(_executive_visit(world, a, visitor, role, rng.choice(days)))
        if len(visits) >= 50_000:
            _save(world, visits, "manager and executive visits")
            visits = []
    _save(world, visits, "manager and executive visits")


def _executive_visit(world, a, visitor: int, role: str, day: dt.date, **extra) -> Row:
    rng = world.rng
    start = rng.choice((9, 10, 14, 15))
    time_in, time_out = dt.time(start, 0), dt.time(start + rng.randint(1, 2), 30)
    values = {
        "account_id": a.pk,
        "visitor_id": visitor,
        "visitor_role": role,
        "kind": VisitKind.VISIT,
        "visited_on": day,
        "time_in": time_in,
        "time_out": time_out,
        "hours": Decimal(time_out.hour - time_in.hour) + Decimal("0.5"),
        "purposes": ["relationship"] if role != Role.TECH_VP else ["new_product", "relationship"],
        "outcome": rng.choice(EXEC_OUTCOMES),
        "created_at": min(at(day + dt.timedelta(days=rng.randint(0, 3)), 19), world.now),
    }
    values.update(extra)
    return Row(**values)


def _save(world, visits: list[Row], what: str) -> None:
    save_rows(Visit, visits)
    world.counts[what] += len(visits)


def festivals_and_cards(world) -> None:
    """§13 for both tiers: an executive calls on the key decision maker in the week before
    the Spring Festival and Mid-Autumn; the KAM delivers or mails the calendar and card in
    December (part of her month's record)."""
    rng, today, visits, cards = world.rng, world.today, [], []
    for year in range(world.first.year, today.year + 1):
        for festival in rules.festival_days(year):
            if not world.first <= festival.day <= today:
                continue
            for a in world.accounts:
                if (
                    a.lost_on is not None
                    and a.lost_on <= festival.day
                    or rng.random() > FESTIVAL_SHARE
                ):
                    continue
                role = FESTIVAL_CALLERS[a.order % len(FESTIVAL_CALLERS)]
                holders = world.holders.get(role)
                if not holders:
                    continue
                day = festival.day - dt.timedelta(days=rng.randint(0, rules.FESTIVAL_LEAD_DAYS))
                visits.append(
                    _executive_visit(
                        world,
                        a,
                        holders[0],
                        role,
                        day,
                        kind=VisitKind.FESTIVAL,
                        time_in=None,
                        time_out=None,
                        hours=None,
                        outcome=rng.choice(FESTIVAL_OUTCOMES),
                    )
                )
        december = dt.date(year, 12, 1)
        if world.first <= december <= world.this_month:
            cards += _cards(world, december)
    _save(world, visits, "festival calls")
    _save(world, cards, "year-end cards")


def _cards(world, december: dt.date) -> list[Row]:
    rng, out = world.rng, []
    days = [d for d in world.days(december, world.today) if 10 <= d.day <= 28]
    for a in world.accounts:
        if not days or (a.lost_on and a.lost_on < december) or rng.random() > CARD_SHARE:
            continue
        day = rng.choice(days)
        out.append(
            Row(
                account_id=a.pk,
                visitor_id=a.owner_id,
                visitor_role=Role.KAM,
                kind=VisitKind.YEAR_END_CARD,
                visited_on=day,
                purposes=["relationship"],
                outcome=rng.choice(CARD_OUTCOMES),
                record_id=world.records[a.owner_id, december].pk,
                created_at=min(at(day, 17), world.now),
            )
        )
    return out


def met(world, visit: Visit) -> int | None:
    """Whom a visit met, by §13's table: KAMs the operational level, the manager business
    heads, executives the key decision maker."""
    if visit.visitor_role == Role.KAM:
        if visit.plan_line_id and visit.plan_line.contact_id:
            return visit.plan_line.contact_id
        levels = (ContactLevel.OPERATIONAL, ContactLevel.OPERATIONAL_HEAD)
    elif visit.visitor_role == Role.SALES_MANAGER:
        levels = (ContactLevel.BUSINESS_HEAD, ContactLevel.OPERATIONAL_HEAD)
    else:
        levels = (ContactLevel.DECISION_MAKER, ContactLevel.BUSINESS_HEAD)
    return world.contact(visit.account_id, *levels)
