"""A hand-made month for the calendar tests: what each member of the cast should find in her
calendar on 20 June 2026, and what she should not.

The owner KAM (three accounts): June plan approved with lines on the 3rd (visited that day,
09:30–11:00), the 10th (no visit recorded: the day has passed) and the 24th; a July draft with
a line on 6 July; an unplanned visit on 12 June without times. The other KAM: a June line and
a visit, neither of which the owner may see. The owner's sales manager: a visit of his own
on 8 June (14:00–15:30) and a June schedule item to the owner's first account; the technical
VP: a June item to the same account (the owner sees it as an executive visit to her
account). The GM: a July item to the other KAM's account. A draft 2027 schedule holds an
item for the manager that nobody sees yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kam.models import User
from kam.roles import Role
from kam.tests.cast import Cast
from kam.tests.factories import UserFactory
from visits.models import ExecutiveSchedule, PlanLine, ScheduledVisit, Visit, VisitPlan
from visits.models.plans import PlanStatus
from visits.tests.plan_fixtures import SH, Office, make_office, make_plan

TODAY = dt.date(2026, 6, 20)
NOW = dt.datetime(2026, 6, 20, 10, 0, tzinfo=SH)
JUNE = dt.date(2026, 6, 1)
JULY = dt.date(2026, 7, 1)


@dataclass
class Month:
    office: Office
    tech_vp: User
    gm_office: User
    june: VisitPlan
    july: VisitPlan
    visited_line: PlanLine  # 3 June, has a visit
    missed_line: PlanLine  # 10 June, none
    later_line: PlanLine  # 24 June
    july_line: PlanLine
    visit: Visit  # the owner's, on the 3 June line
    unplanned: Visit  # the owner's, 12 June, no times
    other_line: PlanLine  # the other KAM's
    other_visit: Visit
    manager_visit: Visit
    manager_item: ScheduledVisit
    tech_item: ScheduledVisit
    gm_item: ScheduledVisit
    draft_item: ScheduledVisit  # in the unpublished 2027 schedule

    @property
    def cast(self) -> Cast:
        return self.office.cast


def _visit(account, visitor, day, **kw) -> Visit:
    return Visit.objects.create(
        account=account,
        visitor=visitor,
        visitor_role=visitor.role,
        visited_on=day,
        purposes=kw.pop("purposes", ["relationship"]),
        **kw,
    )


def _schedules(cast: Cast, office: Office, tech_vp: User, gm_office: User):
    published = ExecutiveSchedule.objects.create(
        year=2026, created_by=gm_office, published_at=timezone.now(), published_by=gm_office
    )
    draft = ExecutiveSchedule.objects.create(year=2027, created_by=gm_office)
    account = office.accounts[0]

    def item(schedule, visitor, role, month, on=account):
        return ScheduledVisit.objects.create(
            schedule=schedule, account=on, visitor=visitor, visitor_role=role, month=month
        )

    return (
        item(published, cast.manager, Role.SALES_MANAGER, JUNE),
        item(published, tech_vp, Role.TECH_VP, JUNE),
        item(published, cast.gm, Role.GM, JULY, on=office.other_account),
        item(draft, cast.manager, Role.SALES_MANAGER, dt.date(2027, 1, 1)),
    )


def make_month(cast: Cast) -> Month:
    office = make_office(cast)
    owner, other = cast.owner, cast.other_kam
    june = make_plan(owner, JUNE, status=PlanStatus.APPROVED, days=[3, 10, 24])
    july = make_plan(owner, JULY, days=[6])
    lines = {line.planned_on.day: line for line in june.lines.all()}
    visit = _visit(
        lines[3].account,
        owner,
        dt.date(2026, 6, 3),
        plan_line=lines[3],
        time_in=dt.time(9, 30),
        time_out=dt.time(11, 0),
    )
    unplanned = _visit(office.accounts[1], owner, dt.date(2026, 6, 12), purposes=["competitors"])
    other_plan = make_plan(other, JUNE, status=PlanStatus.APPROVED, days=[4])
    other_visit = _visit(office.other_account, other, dt.date(2026, 6, 5))
    manager_visit = _visit(
        cast.account,
        cast.manager,
        dt.date(2026, 6, 8),
        time_in=dt.time(14, 0),
        time_out=dt.time(15, 30),
    )
    tech_vp = UserFactory(username="techvp", name="陈总工", role=Role.TECH_VP)
    gm_office = UserFactory(username="gmoffice", role=Role.GM_OFFICE)
    manager_item, tech_item, gm_item, draft_item = _schedules(cast, office, tech_vp, gm_office)
    return Month(
        office=office,
        tech_vp=tech_vp,
        gm_office=gm_office,
        june=june,
        july=july,
        visited_line=lines[3],
        missed_line=lines[10],
        later_line=lines[24],
        july_line=july.lines.get(),
        visit=visit,
        unplanned=unplanned,
        other_line=other_plan.lines.get(),
        other_visit=other_visit,
        manager_visit=manager_visit,
        manager_item=manager_item,
        tech_item=tech_item,
        gm_item=gm_item,
        draft_item=draft_item,
    )
