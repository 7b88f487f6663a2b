"""Query budgets: the plan page and the record page cost a fixed number of queries, however
many accounts, contacts, plan lines, visits, itinerary changes and spot checks exist.

Each page is measured on a small data set and again on a large one (200 accounts, 5,000
visits): the counts must be equal, and under a tight budget. The data is built once for the
module (kam/tests/once.py): the counts on the small set are taken while it is built, before
it grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Tier
from kam.models import User
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from kam.tests.matrix import client_for
from kam.tests.once import built_once
from visits.models import ItineraryChange, PlanLine, SpotCheck, Visit, VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.services.plans import plan_due_on
from visits.tests.plan_fixtures import SH, at

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)
NOW = at(dt.date(2026, 7, 2))
SMALL = {"accounts": 20, "visits": 300, "lines": 8}
LARGE = {"accounts": 200, "visits": 5000, "lines": 60}

# Measured on PostgreSQL, plus one query of margin. The plan page: 18 for readers (session,
# user, the plan, accounts, lines, their changes and visits, contacts, transitions, unread
# notifications, the session save and its savepoint pair, and the frequency engine's five:
# rules, key dates, visits, plan lines, schedule items), 19 for the KAM editing (last
# month's plan, for "copy"). The record page: 13 for the reviewing manager (the record,
# visits, contacts met, changes, the plan, its lines and their changes), 14 for the KAM's
# own month (her team for the heading). The lists: 8 or 9.
PLAN_BUDGET = 20
RECORD_BUDGET = 15
LIST_BUDGET = 10


@dataclass
class Sales:
    kam: User
    manager: User
    sales_vp: User
    accounts: list[KeyAccount] = field(default_factory=list)
    visits: int = 0
    plan: VisitPlan | None = None
    draft: VisitPlan | None = None
    record: VisitRecord | None = None
    small: dict[str, int] = field(default_factory=dict)  # queries per page on SMALL


def make_sales() -> Sales:
    team = TeamFactory(name="华东组")
    kam = UserFactory(role=Role.KAM, team=team)
    sales = Sales(kam, team.manager, UserFactory(role=Role.SALES_VP))
    sales.plan = VisitPlan.objects.create(
        kam=kam, month=JUNE, status=PlanStatus.SUBMITTED, due_on=plan_due_on(JUNE)
    )
    sales.draft = VisitPlan.objects.create(
        kam=kam, month=dt.date(2026, 7, 1), due_on=plan_due_on(dt.date(2026, 7, 1))
    )
    sales.record = VisitRecord.objects.create(
        kam=kam, month=JUNE, due_on=dt.date(2026, 7, 6), status=RecordStatus.SUBMITTED
    )
    return sales


def _accounts(sales: Sales, total: int) -> None:
    start = len(sales.accounts)
    new = KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"预算客户{n:04d}有限公司",
            credit_code=make_credit_code(700_000 + n),
            owner=sales.kam,
            tier=Tier.STRATEGIC if n % 3 == 0 else Tier.IMPORTANT,
            status="active",
        )
        for n in range(start, total)
    )
    # Key accounts for years, so that every rule of §13 applies (auto_now_add ignores a value).
    KeyAccount.objects.filter(pk__in=[a.pk for a in new]).update(
        created_at=dt.datetime(2020, 1, 1, tzinfo=SH), tier_since=dt.date(2020, 1, 1)
    )
    Contact.objects.bulk_create(
        Contact(account=a, name=f"联系人{a.pk}-{i}", level=ContactLevel.OPERATIONAL)
        for a in new
        for i in range(2)
    )
    sales.accounts += new


def _lines(plan: VisitPlan, accounts, total: int) -> list[PlanLine]:
    have = plan.lines.count()
    return PlanLine.objects.bulk_create(
        PlanLine(
            plan=plan,
            account=accounts[i % len(accounts)],
            planned_on=plan.month + dt.timedelta(days=i % 28),
            purposes=["relationship", "share"],
        )
        for i in range(have, total)
    )


def grow(sales: Sales, size: dict) -> None:
    """Accounts with contacts; June and July plan lines; visits over two years, a share of
    them in June on plan lines, with contacts met, itinerary changes and spot checks."""
    _accounts(sales, size["accounts"])
    lines = _lines(sales.plan, sales.accounts, size["lines"])
    _lines(sales.draft, sales.accounts, size["lines"])
    start, sales.visits = sales.visits, size["visits"]
    visits = Visit.objects.bulk_create(
        Visit(
            account=sales.accounts[n % len(sales.accounts)],
            visitor=sales.kam,
            visitor_role=Role.KAM,
            visited_on=JUNE + dt.timedelta(days=n % 30)
            if n % 10 == 0
            else dt.date(2024, 7, 1) + dt.timedelta(days=n % 700),
            time_in=dt.time(9),
            time_out=dt.time(10, 30),
            purposes=["relationship"],
            record=sales.record if n % 10 == 0 else None,
        )
        for n in range(start, size["visits"])
    )
    june = [v for v in visits if v.record_id]
    through = Visit.contacts.through
    contacts = {c.account_id: c for c in Contact.objects.filter(account__owner=sales.kam)}
    through.objects.bulk_create(
        through(visit_id=v.pk, contact_id=contacts[v.account_id].pk) for v in june
    )
    for line, visit in zip(lines, june, strict=False):
        visit.plan_line = line
        visit.save(update_fields=["plan_line"])
        ItineraryChange.objects.create(
            line=line, visit=visit, reported_by=sales.kam, what_changed="改期", reason="客户出差"
        )
    SpotCheck.objects.bulk_create(
        SpotCheck(visit=v, month=JUNE, checker=sales.manager) for v in june[-3:]
    )


def count(client, url: str) -> int:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = {
    "plan-kam-editing": ("kam", "visits:plan_detail", "draft", PLAN_BUDGET),
    "plan-vp-reviewing": ("sales_vp", "visits:plan_detail", "plan", PLAN_BUDGET),
    "plan-manager-reading": ("manager", "visits:plan_detail", "plan", PLAN_BUDGET),
    "record-manager-reviewing": ("manager", "visits:record_detail", "record", RECORD_BUDGET),
    "record-kam-own-month": ("kam", "visits:my_record", None, RECORD_BUDGET),
    "plans-list-vp": ("sales_vp", "visits:plans", "list", LIST_BUDGET),
    "records-list-manager": ("manager", "visits:records", "list", LIST_BUDGET),
}


def _url(sales: Sales, name: str, obj: str | None) -> str:
    if obj is None:
        return reverse(name) + "?month=2026-06"
    if obj == "list":
        return reverse(name)
    return reverse(name, args=[getattr(sales, obj).pk])


def measured_sales() -> Sales:
    """Every page measured on the SMALL data set, which then grows to LARGE."""
    sales = make_sales()
    grow(sales, SMALL)
    for case, (who, name, obj, _budget) in PAGES.items():
        sales.small[case] = count(client_for(getattr(sales, who)), _url(sales, name, obj))
    grow(sales, LARGE)
    return sales


@pytest.fixture(scope="module")
def sales(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, measured_sales)


@pytest.mark.parametrize("case", PAGES)
def test_page_budget(sales, client, django_assert_max_num_queries, case):
    who, name, obj, budget = PAGES[case]
    client.force_login(getattr(sales, who))
    url = _url(sales, name, obj)
    small = sales.small[case]
    large = count(client, url)
    assert small == large, f"{case}: {small} queries on the small data set, {large} on the large"
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(budget):
        response = client.get(url)
    # The large data set is really on the page: no budget met by showing nothing.
    context = response.context
    if name == "visits:plan_detail":
        assert len(context["lines"]) == LARGE["lines"]
        assert len(context["needs"]) == LARGE["accounts"]
        assert all(n.applies and n.notes for n in context["needs"])
        if who == "kam":
            assert len(context["formset"].forms) == LARGE["lines"]
    elif obj != "list":
        assert len(context["data"].visits) == LARGE["visits"] // 10
        assert len(context["data"].rows) == LARGE["lines"]
    assert Visit.objects.count() == LARGE["visits"]
