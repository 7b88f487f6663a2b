"""Query budgets of the compliance dashboard: every level (company, team, KAM, account) and every
period costs the same number of queries on a small company and on one with 240 accounts and
over 5,000 visits, plans, plan lines, records and spot checks — and stays under a tight budget.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from kam.tests.once import built_once
from visits.models import PlanLine, SpotCheck, Visit, VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus, SpotResult
from visits.tally import tally_rebuild
from visits.tests.compliance_data import SH

pytestmark = pytest.mark.django_db

SMALL, LARGE = 24, 240
VISITS_PER_ACCOUNT = 22  # 240 × 22 = 5,280 visits
NOW = dt.datetime(2026, 4, 15, 10, tzinfo=SH)

# Measured on PostgreSQL: 17 on the company page, 18 on a team, a KAM or an account, 7 on the
# rules. Session and user (2), the rules (1), the rollup's catch-up (savepoint, state, dirty
# accounts, release: 4), window sums and overdue accounts (2), KAMs owing, plans, records (3),
# the rows' names (1-2), the navbar's unread count (1), saving the session (3). The account
# page reads its key dates, its visits for the engine and a page of visits instead of plans and
# records. Two of margin.
BUDGET = 20

ROLES = ["kam", "kam", "kam", "sales_manager", "sales_vp", "tech_vp", "exec_vp", "gm"]
KINDS = ["visit"] * 9 + ["festival"]


def make_sales() -> dict:
    teams = [TeamFactory(name="华东组"), TeamFactory(name="华北组")]
    kams = [UserFactory(role=Role.KAM, team=teams[i % 2]) for i in range(6)]
    execs = {role: UserFactory(role=role) for role in ROLES if role not in {"kam"}}
    execs["sales_manager"] = teams[0].manager
    return {"teams": teams, "kams": kams, "execs": execs, "vp": execs["sales_vp"], "made": 0}


def grow_to(sales: dict, total: int) -> None:
    """Bulk-create key accounts, with two years of visits, plans, lines, records and checks."""
    start, sales["made"] = sales["made"], total
    kams = sales["kams"]
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"批量客户{n:04d}",
            credit_code=make_credit_code(700_000 + n),
            owner=kams[n % len(kams)],
            tier=Tier.STRATEGIC if n % 3 else Tier.IMPORTANT,
            status="active",
        )
        for n in range(start, total)
    )
    KeyAccount.objects.filter(pk__in=[a.pk for a in accounts]).update(
        created_at=dt.datetime(2024, 6, 1, tzinfo=SH), tier_since=dt.date(2024, 6, 1)
    )
    visits = []
    for account, i in itertools.product(accounts, range(VISITS_PER_ACCOUNT)):
        role = ROLES[i % len(ROLES)]
        visitor = account.owner if role == "kam" else sales["execs"][role]
        visits.append(
            Visit(
                account=account,
                visitor=visitor,
                visitor_role=role,
                kind=KINDS[i % len(KINDS)],
                visited_on=dt.date(2025, 1, 1) + dt.timedelta(days=(i * 23 + account.pk) % 470),
                is_cancelled=i % 17 == 0,
            )
        )
    visits = Visit.objects.bulk_create(visits)
    _documents(sales, accounts, visits)
    tally_rebuild(today=NOW.date())  # bulk writes send no signals


def _documents(sales: dict, accounts: list, visits: list) -> None:
    months = [dt.date(2025, m, 1) for m in range(1, 13)] + [dt.date(2026, m, 1) for m in (1, 2, 3)]
    for kam in sales["kams"]:
        for month in months:
            plan, _ = VisitPlan.objects.get_or_create(
                kam=kam,
                month=month,
                defaults={
                    "due_on": month - dt.timedelta(days=6),
                    "status": PlanStatus.APPROVED,
                    "submitted_at": NOW,
                    "is_late": month.month % 4 == 0,
                },
            )
            VisitRecord.objects.get_or_create(
                kam=kam,
                month=month,
                defaults={"due_on": month, "status": RecordStatus.SUBMITTED, "submitted_at": NOW},
            )
            own = [a for a in accounts if a.owner_id == kam.pk]
            PlanLine.objects.bulk_create(
                PlanLine(plan=plan, account=a, planned_on=month.replace(day=10)) for a in own
            )
    SpotCheck.objects.bulk_create(
        SpotCheck(
            visit=v,
            month=v.visited_on.replace(day=1),
            checker=sales["execs"]["sales_manager"],
            result=SpotResult.CONFIRMED if v.pk % 2 else SpotResult.UNREACHABLE,
        )
        for v in visits[::9]
    )


def count_queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = {
    "company": ("vp", "visits:compliance", None),
    "team": ("manager", "visits:compliance_team", "team"),
    "kam": ("kam", "visits:compliance_kam", "kam"),
    "account": ("vp", "visits:compliance_account", "account"),
    "rules": ("kam", "visits:frequency_rules", None),
}
PERIODS = ["2026-03", "2026-Q1", "2025"]


def _url(sales: dict, name: str, arg: str | None) -> str:
    args = {
        "team": [sales["teams"][0].pk],
        "kam": [sales["kams"][0].pk],
        "account": [KeyAccount.objects.filter(owner=sales["kams"][0]).first().pk],
    }.get(arg, [])
    return reverse(name, args=args)


def _users(sales: dict) -> dict:
    return {"vp": sales["vp"], "manager": sales["teams"][0].manager, "kam": sales["kams"][0]}


def _measure(sales: dict, client, period: str) -> dict[str, int]:
    """Every page of the dashboard, counted for one period."""
    counts = {}
    for page, (who, name, arg) in PAGES.items():
        client.force_login(_users(sales)[who])
        counts[page] = count_queries(client, _url(sales, name, arg), {"p": period})
    return counts


def measured_sales() -> dict:
    """Every page and period counted on the SMALL company, which then grows to LARGE."""
    with time_machine.travel(NOW, tick=False):
        sales = make_sales()
        grow_to(sales, SMALL)
        sales["small"] = {period: _measure(sales, Client(), period) for period in PERIODS}
        grow_to(sales, LARGE)
    return sales


@pytest.fixture(scope="module")
def sales(django_db_setup, django_db_blocker):
    """Built once for the module (kam/tests/once.py): 5,000 visits is the slow part."""
    yield from built_once(django_db_blocker, measured_sales)


@pytest.mark.parametrize("period", PERIODS)
def test_dashboard_budget(sales, client, django_assert_max_num_queries, period):
    """Every page of the dashboard, counted on the small and on the large data set."""
    users = _users(sales)
    params = {"p": period}

    with time_machine.travel(NOW, tick=False):
        small = sales["small"][period]
        assert Visit.objects.count() >= 5000
        large = _measure(sales, client, period)
        assert small == large, f"{period}: {small} queries small, {large} large"
        for page, (who, name, arg) in PAGES.items():
            client.force_login(users[who])
            with django_assert_max_num_queries(BUDGET):
                response = client.get(_url(sales, name, arg), params)
            if page in {"company", "team", "kam"}:
                rows = response.context["rows"]
                assert rows and any(r.figures.visits for r in rows), f"{page}: shows nothing"
                assert response.context["total"].windows.due
