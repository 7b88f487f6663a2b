"""Query budgets: the calendar page (month and week) and the feed cost a fixed number of
queries, however many plan lines, visits and schedule items the user has.

Each is measured on a small data set and again on a large one (a KAM with 120 accounts,
300 plan lines, 600 visits, 240 executive visits scheduled to her accounts; her manager with
200 visits and 120 scheduled visits of his own): the counts must be equal, and under a budget.
The data is built once for the module (kam/tests/once.py): the counts on the small set are
taken while it is built, before it grows.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from kam.models import User
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from kam.tests.matrix import client_for
from kam.tests.once import built_once
from visits.models import ExecutiveSchedule, PlanLine, ScheduledVisit, Visit, VisitPlan
from visits.models.plans import PlanStatus
from visits.services.calendar import calendar_feed_create
from visits.services.plans import plan_due_on
from visits.tests.plan_fixtures import SH

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 20, 10, tzinfo=SH)
SMALL = {"accounts": 6, "lines": 10, "visits": 20, "items": 4}
LARGE = {"accounts": 120, "lines": 300, "visits": 600, "items": 240}

# Measured on PostgreSQL: the page 9 (session, user, plan lines, visits, schedule items,
# unread notifications, the session save and its savepoint pair) and 10 for those who see the
# whole schedule (its month's load); the feed 4 (the token with its user, plan lines, visits,
# schedule items). One of margin.
PAGE_BUDGET = 11
FEED_BUDGET = 5


class Office:
    def __init__(self):
        team = TeamFactory()
        self.kam = UserFactory(role=Role.KAM, team=team)
        self.manager: User = team.manager
        self.gm = UserFactory(role=Role.GM)
        self.accounts: list[KeyAccount] = []
        self.tokens: dict[str, str] = {}  # calendar feed addresses, by member
        self.small: dict[str, int] = {}  # queries per page case on SMALL
        self.small_feeds: dict[str, int] = {}  # and per feed
        self.plan = VisitPlan.objects.create(
            kam=self.kam, month=JUNE, status=PlanStatus.APPROVED, due_on=plan_due_on(JUNE)
        )
        self.schedule = ExecutiveSchedule.objects.create(
            year=2026, created_by=self.gm, published_at=timezone.now()
        )

    def grow(self, size: dict) -> None:
        start = len(self.accounts)
        self.accounts += KeyAccount.objects.bulk_create(
            KeyAccount(
                name=f"日历客户{n:04d}有限公司",
                credit_code=make_credit_code(800_000 + n),
                owner=self.kam,
                tier=Tier.STRATEGIC,
                status="active",
            )
            for n in range(start, size["accounts"])
        )
        self._lines(size["lines"])
        self._visits(self.kam, size["visits"])
        self._visits(self.manager, size["visits"] // 3)
        self._items(size["items"])

    def _lines(self, total: int) -> None:
        have = self.plan.lines.count()
        PlanLine.objects.bulk_create(
            PlanLine(
                plan=self.plan,
                # Thirty days an account: a plan never visits an account twice on one day.
                account=self.accounts[(i // 30) % len(self.accounts)],
                planned_on=JUNE + dt.timedelta(days=i % 30),
                purposes=["relationship", "share"],
            )
            for i in range(have, total)
        )

    def _visits(self, visitor: User, total: int) -> None:
        have = Visit.objects.filter(visitor=visitor).count()
        Visit.objects.bulk_create(
            Visit(
                account=self.accounts[n % len(self.accounts)],
                visitor=visitor,
                visitor_role=visitor.role,
                visited_on=dt.date(2026, 5, 1) + dt.timedelta(days=n % 61),
                time_in=dt.time(9) if n % 2 else None,
                time_out=dt.time(10, 30) if n % 2 else None,
                purposes=["relationship"],
            )
            for n in range(have, total)
        )

    def _items(self, total: int) -> None:
        """Half the items are the GM's visits to her accounts, half the manager's own."""
        have = ScheduledVisit.objects.count()
        ScheduledVisit.objects.bulk_create(
            ScheduledVisit(
                schedule=self.schedule,
                account=self.accounts[n // 2 % len(self.accounts)],
                visitor=self.gm if n % 2 else self.manager,
                visitor_role=Role.GM if n % 2 else Role.SALES_MANAGER,
                month=JUNE,  # each (account, visitor) once, as the schedule allows
            )
            for n in range(have, total)
        )


def count(client, url: str) -> tuple[int, bytes]:
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content


CASES = {
    "kam-month": ("kam", "?month=2026-06"),
    "kam-week": ("kam", "?view=week&date=2026-06-10"),
    "manager-month": ("manager", "?month=2026-06"),
    "gm-month": ("gm", "?month=2026-06"),
}


FEEDS = ["kam", "manager"]


def measured_office() -> Office:
    """Every page and feed measured on the SMALL data set, which then grows to LARGE."""
    with time_machine.travel(NOW, tick=False):
        office = Office()
    office.tokens = {who: calendar_feed_create(user=getattr(office, who)).token for who in FEEDS}
    office.grow(SMALL)
    office.small = {
        case: count(client_for(getattr(office, who)), _page(query))[0]
        for case, (who, query) in CASES.items()
    }
    office.small_feeds = {who: count(Client(), _feed(office, who))[0] for who in FEEDS}
    office.grow(LARGE)
    return office


@pytest.fixture(scope="module")
def office(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, measured_office)


def _page(query: str) -> str:
    return reverse("visits:calendar") + query


def _feed(office: Office, who: str) -> str:
    return reverse("visits:calendar_feed", args=[office.tokens[who]])


@pytest.mark.parametrize("case", CASES)
def test_calendar_page_budget(office, client, django_assert_max_num_queries, case):
    who, query = CASES[case]
    user = getattr(office, who)
    client.force_login(user)
    url = _page(query)
    small = office.small[case]
    large, body = count(client, url)
    assert small == large, f"{case}: {small} queries on the small data set, {large} on the large"
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(PAGE_BUDGET):
        client.get(url)
    # The large data set is on the page: no budget met by showing nothing.
    shown = body.count(b"data-uid=")
    if case == "kam-month":
        assert shown >= LARGE["lines"] // 2 + 300  # June's lines not visited, June's visits
    else:
        assert shown > 20


@pytest.mark.parametrize("who", FEEDS)
def test_feed_budget(office, client, django_assert_max_num_queries, who):
    url = _feed(office, who)
    small = office.small_feeds[who]
    large, body = count(client, url)
    assert small == large, f"{who}: {small} queries on the small data set, {large} on the large"
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(FEED_BUDGET):
        client.get(url)
    assert body.count(b"BEGIN:VEVENT") > (500 if who == "kam" else 150)
