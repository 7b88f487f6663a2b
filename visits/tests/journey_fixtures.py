"""The office of the phone journeys (test_journeys_browser.py), built through the services as
its people would have built it, on the real calendar: a KAM whose plan for this month (approved)
holds a visit today, and whose record for last month (plan approved, three planned visits: one
checked in and done, one rescheduled, one missed, and an unplanned one) she has submitted to
her sales manager, who has drawn the month's spot-check sample.

Last month happened in the past: the clock travels there while it is written (no request is
served then) and comes back before any page is opened. The journeys themselves run on the
real clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.utils import timezone

from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Tier
from kam.models import User
from kam.roles import Role
from kam.tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import PlanLine, SpotCheck, Visit, VisitPlan, VisitRecord
from visits.models.choices import Purpose
from visits.months import add_months
from visits.services import checkins, plans, records, spot_checks
from visits.services.checkins import Fix
from visits.tests.plan_fixtures import SH

# The customer's gate: where the KAM stood at last month's check-in, made its location then.
GATE = Fix(31.49117, 120.31191, 15.0)


@dataclass
class JourneyOffice:
    kam: User
    manager: User
    vp: User
    accounts: list[KeyAccount]  # strategic, important, important
    contacts: list[Contact]  # one per account, in the same order
    today_line: PlanLine  # this month's approved plan, today, at accounts[0]
    last_lines: list[PlanLine]  # last month's: done as planned, rescheduled, missed
    last_visits: list[Visit]  # last month's: on line 0 (checked in), line 1 (moved), unplanned
    record: VisitRecord  # last month's, submitted
    checks: list[SpotCheck]  # the manager's sample of last month


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SH)


def _people() -> tuple[User, User, User, list[KeyAccount], list[Contact]]:
    team = TeamFactory(
        name="华东组",
        manager=UserFactory(username="wangjl", name="王经理", role=Role.SALES_MANAGER),
    )
    kam = UserFactory(username="zhangwei", name="张伟", role=Role.KAM, team=team)
    vp = UserFactory(username="liuvp", name="刘副总", role=Role.SALES_VP)
    names = [
        ("无锡恒达精密机械有限公司", Tier.STRATEGIC, "李采购"),
        ("江阴华润纺织有限公司", Tier.IMPORTANT, "周经理"),
        ("宜兴紫砂陶瓷有限公司", Tier.IMPORTANT, "陈主任"),
    ]
    accounts, contacts = [], []
    for n, (name, tier, contact) in enumerate(names):
        account = AccountFactory(owner=kam, name=name, tier=tier)
        accounts.append(account)
        contacts.append(
            ContactFactory(
                account=account,
                name=contact,
                level=ContactLevel.OPERATIONAL_HEAD,
                phone=f"0510-8276{n:04d}",
            )
        )
    return kam, team.manager, vp, accounts, contacts


def _approved_plan(kam: User, vp: User, month: dt.date, rows) -> VisitPlan:
    """plan_start → lines → submit → the sales VP approves (核阅)."""
    plan = plans.plan_start(kam=kam, month=month, by=kam)
    plans.plan_lines_save(
        plan=plan,
        by=kam,
        rows=[
            plans.LineInput(
                account=account,
                planned_on=day,
                contact=contact,
                purposes=[Purpose.RELATIONSHIP, Purpose.NEW_PRODUCT],
                expected_hours=Decimal("1.5"),
            )
            for account, contact, day in rows
        ],
    )
    plans.plan_submit(plan=plan, by=kam)
    return plans.plan_approve(plan=plan, by=vp, comment="同意。")


def _last_month_visits(office: dict, month: dt.date) -> list[Visit]:
    """Day 5: checked in at the gate (made the customer's location), out after 75 minutes,
    outcome written. Day 14: the day-12 visit, moved. Day 25: an unplanned visit."""
    kam, accounts, contacts = office["kam"], office["accounts"], office["contacts"]
    lines = office["last_lines"]
    day5, day14, day25 = (month.replace(day=d) for d in (5, 14, 25))
    with time_machine.travel(_at(day5, 9, 30), tick=False) as clock:
        checkin = checkins.checkin_create(by=kam, account=accounts[0], plan_line=lines[0], fix=GATE)
        clock.move_to(_at(day5, 10, 45))
        checkins.checkin_checkout(checkin=checkin, by=kam, fix=GATE)
        checkins.account_location_set(checkin=checkin, by=kam)
        first = Visit.objects.get(pk=checkin.visit_id)
        records.visit_update(
            visit=first,
            by=kam,
            data=records.VisitInput(
                account=accounts[0],
                visited_on=day5,
                time_in=first.time_in,
                time_out=first.time_out,
                contacts=[contacts[0]],
                purposes=[Purpose.RELATIONSHIP, Purpose.NEW_PRODUCT],
                outcome="介绍了新型号主轴，对方同意下月试用两台。",
                plan_line=lines[0],
            ),
        )
        clock.move_to(_at(day14, 17))
        moved = records.visit_create(
            by=kam,
            data=records.VisitInput(
                account=accounts[1],
                visited_on=day14,
                time_in=dt.time(14, 0),
                time_out=dt.time(15, 30),
                contacts=[contacts[1]],
                purposes=[Purpose.RELATIONSHIP],
                outcome="对账，确认三季度回款计划。",
                plan_line=lines[1],
                change_reason="客户12日临时出差，改到14日。",
            ),
        )
        clock.move_to(_at(day25, 17))
        unplanned = records.visit_create(
            by=kam,
            data=records.VisitInput(
                account=accounts[2],
                visited_on=day25,
                time_in=dt.time(10, 0),
                time_out=dt.time(11, 0),
                contacts=[contacts[2]],
                purposes=[Purpose.COMPETITORS],
                outcome="了解到竞争对手降价百分之五。",
            ),
        )
    return [first, moved, unplanned]


def _other_day(today: dt.date) -> dt.date:
    """A second day of this month for the plan: tomorrow, or yesterday on the month's last."""
    tomorrow = today + dt.timedelta(days=1)
    return tomorrow if tomorrow.month == today.month else today - dt.timedelta(days=1)


def make_journey_office() -> JourneyOffice:
    today = timezone.localdate()
    this = today.replace(day=1)
    last = add_months(this, -1)
    office: dict = {}
    # Everyone and everything is there before last month's plan was made (on the 20th of
    # the month before), so no record is older than the account it is about.
    with time_machine.travel(_at(add_months(last, -1).replace(day=20), 10), tick=False):
        kam, manager, vp, accounts, contacts = _people()
        office.update(kam=kam, accounts=accounts, contacts=contacts)
        days = [last.replace(day=d) for d in (5, 12, 19)]
        plan = _approved_plan(kam, vp, last, list(zip(accounts, contacts, days, strict=True)))
    office["last_lines"] = list(plan.lines.order_by("planned_on"))
    last_visits = _last_month_visits(office, last)
    # Back on the real clock: the month is over, she submits, her manager draws the sample.
    record = records.record_submit(kam=kam, month=last, by=kam)
    checks = spot_checks.spot_checks_start(manager=manager, month=last, by=manager)
    this_plan = _approved_plan(
        kam,
        vp,
        this,
        [(accounts[0], contacts[0], today), (accounts[1], contacts[1], _other_day(today))],
    )
    return JourneyOffice(
        kam=kam,
        manager=manager,
        vp=vp,
        accounts=accounts,
        contacts=contacts,
        today_line=this_plan.lines.get(planned_on=today),
        last_lines=office["last_lines"],
        last_visits=last_visits,
        record=record,
        checks=checks,
    )
