"""A hand-made company for the home page's to-do list (kam/tests/test_workbench.py and the
browser test): the permission cast and its office (visits/tests/plan_fixtures.py), one more
KAM in the owner's team, and for each role things to do next to things that are not hers or
not due, so that a test can say exactly which lines each role gets.

`build(today)` lays it out around `today`; the exact tests freeze the clock on Wednesday
20 May 2026, where "later this week" is Friday the 22nd and next month's plan is due on the
25th. `grow(world, n)` adds n more of nearly everything, for the query budgets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import ArchiveLoan, ArchiveReview, KeyAccount
from accounts.models.access import LoanStatus
from accounts.models.archive import Tier
from analysis.models import ProposalStatus, TierProposal, TierReview
from appraisal.models import PeriodKind, PeriodStatus, Target
from appraisal.periods import period_get_or_create
from complaints.models import Channel, Complaint, ComplaintStatus, Severity
from kam.models import User
from kam.roles import Role
from kam.tests.cast import Cast, make_cast
from kam.tests.factories import AccountFactory, UserFactory, make_credit_code
from receivables.models import Invoice
from visits.models import (
    ExecutiveSchedule,
    PlanLine,
    ScheduledVisit,
    Visit,
    VisitPlan,
    VisitRecord,
)
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.months import add_months, month_of
from visits.services.plans import plan_due_on
from visits.services.records import record_due_on
from visits.tally import tally_rebuild
from visits.tests.plan_fixtures import make_office

DAY = dt.timedelta(days=1)


@dataclass
class World:
    today: dt.date
    cast: Cast
    a: KeyAccount  # the owner's strategic account (the cast's)
    b: KeyAccount  # the owner's important accounts
    c: KeyAccount
    x: KeyAccount  # the other team's KAM's
    teammate: User  # a second KAM in the owner's team
    t: KeyAccount  # the teammate's
    tech_vp: User
    gm_office: User
    lines: dict[str, PlanLine] = field(default_factory=dict)
    plans: dict[str, VisitPlan] = field(default_factory=dict)
    records: dict[str, VisitRecord] = field(default_factory=dict)
    complaints: dict[str, Complaint] = field(default_factory=dict)
    periods: dict[str, object] = field(default_factory=dict)
    review: TierReview | None = None

    @property
    def owner(self) -> User:
        return self.cast.owner

    @property
    def month(self) -> dt.date:
        return month_of(self.today)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


def _plan(kam, month, status, submitted: dt.datetime | None = None) -> VisitPlan:
    return VisitPlan.objects.create(
        kam=kam, month=month, status=status, due_on=plan_due_on(month), submitted_at=submitted
    )


def _line(plan, account, day, **kw) -> PlanLine:
    return PlanLine.objects.create(
        plan=plan, account=account, planned_on=day, purposes=[Purpose.RELATIONSHIP], **kw
    )


def _visit(account, visitor, day, role=Role.KAM, **kw) -> Visit:
    return Visit.objects.create(
        account=account, visitor=visitor, visitor_role=role, visited_on=day, **kw
    )


def build(today: dt.date) -> World:
    cast = make_cast()
    office = make_office(cast)
    a, b, c = office.accounts
    teammate = UserFactory(username="teammate", role=Role.KAM, team=cast.owner.team)
    w = World(
        today=today,
        cast=cast,
        a=a,
        b=b,
        c=c,
        x=office.other_account,
        teammate=teammate,
        t=AccountFactory(owner=teammate, name="常州新辰电子有限公司", tier=Tier.IMPORTANT),
        tech_vp=UserFactory(username="techvp", role=Role.TECH_VP),
        gm_office=UserFactory(username="gmoffice", role=Role.GM_OFFICE),
    )
    _plans_and_visits(w, office.contacts)
    _records_and_spot_checks(w)
    _schedule(w)
    _archives(w)
    _money(w)
    _appraisal_and_tiers(w)
    tally_rebuild(today=today)
    return w


def _plans_and_visits(w: World, contacts) -> None:
    today, month = w.today, w.month
    following = add_months(month, 1)
    mine = _plan(w.owner, month, PlanStatus.APPROVED, _at(month - 10 * DAY))
    w.plans["owner_this"] = mine
    w.lines["today_a"] = _line(mine, w.a, today, contact=contacts[w.a.pk])
    w.lines["today_b_done"] = _line(mine, w.b, today)
    _visit(w.b, w.owner, today, plan_line=w.lines["today_b_done"])
    w.lines["today_cancelled"] = _line(mine, w.c, today, is_cancelled=True)
    friday = today + dt.timedelta(days=4 - today.weekday())
    if friday > today and friday.month == month.month:
        w.lines["week_c"] = _line(mine, w.c, friday)
    monday = today + dt.timedelta(days=7 - today.weekday())
    if monday.month == month.month:
        w.lines["next_week_a"] = _line(mine, w.a, monday)
    if (today - 2 * DAY).month == month.month:
        w.lines["past_c"] = _line(mine, w.c, today - 2 * DAY)
    w.plans["owner_next"] = _plan(w.owner, following, PlanStatus.DRAFT)
    # Two plans wait for the VP; the other team's was submitted first, so it comes first.
    w.plans["other_next"] = _plan(
        w.cast.other_kam, following, PlanStatus.SUBMITTED, _at(today - 3 * DAY)
    )
    w.plans["teammate_next"] = _plan(w.teammate, following, PlanStatus.SUBMITTED, _at(today - DAY))


def _records_and_spot_checks(w: World) -> None:
    last = add_months(w.month, -1)
    for name, kam in (("teammate", w.teammate), ("other", w.cast.other_kam)):
        w.records[name] = VisitRecord.objects.create(
            kam=kam,
            month=last,
            due_on=record_due_on(last),
            status=RecordStatus.SUBMITTED,
            submitted_at=_at(last + 32 * DAY),
        )
    # Last month's visits of the owner's team: four, so the manager's sample is three calls.
    team_visits = [(w.a, w.owner), (w.b, w.owner), (w.t, w.teammate), (w.t, w.teammate)]
    for i, (account, kam) in enumerate(team_visits):
        _visit(account, kam, last + (3 + i) * DAY)


def _schedule(w: World) -> None:
    year, month = w.today.year, w.month
    schedule = ExecutiveSchedule.objects.create(
        year=year, created_by=w.gm_office, published_at=_at(dt.date(year - 1, 12, 20))
    )
    manager = w.cast.manager

    def item(account, visitor, when, **kw):
        return ScheduledVisit.objects.create(
            schedule=schedule,
            account=account,
            visitor=visitor,
            visitor_role=visitor.role,
            month=when,
            **kw,
        )

    item(w.a, manager, month)  # due this month
    if month.month > 1:
        item(w.b, manager, add_months(month, -1))  # missed
    if month.month > 2:
        done = add_months(month, -2)
        item(w.c, manager, done)
        _visit(w.c, manager, done + 5 * DAY, role=Role.SALES_MANAGER)
    if month.month < 12:
        item(w.a, manager, add_months(month, 1))  # not yet due
    item(w.b, manager, month, is_cancelled=True)
    item(w.x, w.cast.sales_vp, month)


def _archives(w: World) -> None:
    today = w.today
    # The staff member asks for A's archive: the owner decides; the staff member waits.
    ArchiveLoan.objects.create(
        account=w.a,
        requester=w.cast.staff,
        reason="准备技术交流",
        until=today + 7 * DAY,
        status=LoanStatus.PENDING,
    )
    ArchiveReview.objects.create(
        account=w.a, reviewer=w.owner, reviewed_on=today - 30 * DAY, changed=False
    )

    def complaint(name, account, handler, due, status=ComplaintStatus.OPEN, **kw):
        w.complaints[name] = Complaint.objects.create(
            account=account,
            received_on=due - 10 * DAY,
            channel=Channel.PHONE,
            subject=f"投诉{name}",
            content="交货延迟",
            severity=Severity.ORDINARY,
            handler=handler,
            due_on=due,
            status=status,
            created_by=handler,
            **kw,
        )

    complaint("late", w.a, w.owner, today - DAY)
    complaint("not_yet", w.a, w.owner, today + DAY)
    complaint(
        "resolved",
        w.b,
        w.owner,
        today - 10 * DAY,
        ComplaintStatus.RESOLVED,
        resolution="已补发",
        resolved_on=today - 12 * DAY,
    )
    complaint("other_kams", w.x, w.cast.other_kam, today - 5 * DAY)


def _money(w: World) -> None:
    today = w.today

    def invoice(account, number, amount, due, **kw):
        Invoice.objects.create(
            account=account,
            number=number,
            issued_on=due - 30 * DAY,
            due_on=due,
            amount=Decimal(amount),
            created_by=account.owner,
            **kw,
        )

    invoice(w.a, "FP-A1", "150000.00", today - 10 * DAY)  # over the threshold alone
    invoice(w.x, "FP-X1", "60000.00", today - 40 * DAY)  # over it together
    invoice(w.x, "FP-X2", "60000.00", today - 5 * DAY)
    invoice(w.c, "FP-C1", "50000.00", today - 10 * DAY)  # overdue, under the threshold
    invoice(w.t, "FP-T1", "500000.00", today + 30 * DAY)  # large, not due yet
    invoice(w.b, "FP-B1", "900000.00", today - 10 * DAY, is_cancelled=True, cancel_reason="开错")


def _appraisal_and_tiers(w: World) -> None:
    today = w.today
    quarter = (today.month - 1) // 3 + 1
    current = period_get_or_create(kind=PeriodKind.QUARTER, year=today.year, quarter=quarter)
    previous_q = quarter - 1 or 4
    previous_y = today.year if quarter > 1 else today.year - 1
    scored = period_get_or_create(kind=PeriodKind.QUARTER, year=previous_y, quarter=previous_q)
    scored.status = PeriodStatus.SCORED
    scored.save()
    last_year = period_get_or_create(kind=PeriodKind.YEAR, year=today.year - 1)  # never scored
    final = period_get_or_create(kind=PeriodKind.QUARTER, year=today.year - 2, quarter=4)
    final.status = PeriodStatus.FINAL
    final.save()
    w.periods = {"current": current, "scored": scored, "last_year": last_year}
    Target.objects.create(period=current, kam=w.owner, sales=Decimal("1000000"))
    Target.objects.create(period=current, kam=w.teammate)  # a row with no figures
    w.review = TierReview.objects.create(
        period_start=dt.date(today.year - 1, 1, 1), period_end=dt.date(today.year - 1, 12, 31)
    )
    for account, status in ((w.b, "proposed"), (w.c, "proposed"), (w.t, "accepted")):
        TierProposal.objects.create(
            review=w.review,
            account=account,
            from_tier=Tier.IMPORTANT,
            to_tier=Tier.STRATEGIC,
            abc_class="A",
            revenue=Decimal(100),
            share=Decimal(10),
            status=status,
            decided_at=_at(today) if status == ProposalStatus.ACCEPTED else None,
        )


# More of everything: the query budgets must not notice ------------------------------------


def grow(w: World, n: int) -> None:
    """n more key accounts for each of the three KAMs, each with a visit planned this week
    and one made, an overdue invoice, an overdue complaint, a pending loan request and a
    scheduled executive visit; n more KAMs in the owner's team with submitted records."""
    start = KeyAccount.objects.count()
    owners = [w.owner, w.teammate, w.cast.other_kam]
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"扩展客户{start + i}",
            credit_code=make_credit_code(10_000 + start + i),
            owner=owners[i % 3],
            tier=Tier.IMPORTANT,
            status="active",
        )
        for i in range(3 * n)
    )
    plans = {p.kam_id: p for p in VisitPlan.objects.filter(month=w.month)}
    for kam in owners:
        if kam.pk not in plans:
            plans[kam.pk] = _plan(kam, w.month, PlanStatus.APPROVED, _at(w.month))
    PlanLine.objects.bulk_create(
        PlanLine(plan=plans[a.owner_id], account=a, planned_on=w.today, purposes=["relationship"])
        for a in accounts
    )
    Visit.objects.bulk_create(
        Visit(account=a, visitor_id=a.owner_id, visitor_role=Role.KAM, visited_on=w.today)
        for a in accounts
    )
    Invoice.objects.bulk_create(
        Invoice(
            account=a,
            number=f"FP-G{a.pk}",
            issued_on=w.today - 60 * DAY,
            due_on=w.today - 30 * DAY,
            amount=Decimal("200000.00"),
            created_by_id=a.owner_id,
        )
        for a in accounts
    )
    Complaint.objects.bulk_create(
        Complaint(
            account=a,
            received_on=w.today - 20 * DAY,
            channel=Channel.PHONE,
            subject="投诉",
            content="质量",
            severity=Severity.MINOR,
            handler_id=a.owner_id,
            due_on=w.today - 2 * DAY,
            created_by_id=a.owner_id,
        )
        for a in accounts
    )
    ArchiveLoan.objects.bulk_create(
        ArchiveLoan(
            account=a,
            requester=w.cast.staff,
            reason="查",
            until=w.today + 5 * DAY,
            status=LoanStatus.PENDING,
        )
        for a in accounts
    )
    schedule = ExecutiveSchedule.objects.get(year=w.today.year)
    ScheduledVisit.objects.bulk_create(
        ScheduledVisit(
            schedule=schedule,
            account=a,
            visitor=visitor,
            visitor_role=visitor.role,
            month=w.month,
        )
        for a in accounts
        for visitor in (w.cast.manager, w.cast.sales_vp, w.cast.gm, w.tech_vp)
    )
    last = add_months(w.month, -1)
    kams = User.objects.bulk_create(
        User(username=f"grow{start}-{i}", name=f"扩展{i}", role=Role.KAM, team=w.owner.team)
        for i in range(n)
    )
    VisitRecord.objects.bulk_create(
        VisitRecord(
            kam=kam,
            month=last,
            due_on=record_due_on(last),
            status=RecordStatus.SUBMITTED,
            submitted_at=_at(w.today),
        )
        for kam in kams
    )
    tally_rebuild(today=w.today)
