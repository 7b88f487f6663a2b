"""Query budgets: the complaint list and an account's complaints page cost a fixed number of
queries, with 50 accounts or 500 (and with few or many complaints on one account).

Each page is measured on a small and a large data set: the counts must be equal (nothing
grows with the data), and under a tight budget measured on PostgreSQL plus one of margin. The
data is built once for the module (kam/tests/once.py): the counts on the small set are taken
while it is built, before it grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import KeyAccount
from complaints import services
from complaints.models import Channel, Complaint, ComplaintStatus, Severity
from kam.models import Team, User
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from kam.tests.matrix import client_for
from kam.tests.once import built_once

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 500
# Measured on PostgreSQL, plus one query of margin. The complaint list: 10.
COMPLAINTS_BUDGET = 11


@dataclass
class Sales:
    teams: list[Team]
    kams: list[User]
    sales_vp: User
    admin: User
    created: int = 0
    small: dict[str, int] = field(default_factory=dict)  # list queries per case at SMALL

    def user(self, who: str) -> User:
        return {
            "sales_vp": self.sales_vp,
            "admin": self.admin,
            "manager": self.teams[0].manager,
            "kam": self.kams[0],
        }[who]


def make_sales() -> Sales:
    teams = [TeamFactory(name="华东组"), TeamFactory(name="华北组")]
    kams = [UserFactory(role=Role.KAM, team=teams[i % 2]) for i in range(6)]
    return Sales(teams, kams, UserFactory(role=Role.SALES_VP), UserFactory(role=Role.ADMIN))


def grow_to(sales: Sales, total: int) -> None:
    """Accounts with a complaint past its deadline each, until `total` accounts exist."""
    today = timezone.localdate()
    start, sales.created = sales.created, total
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"应收客户{n:04d}有限公司",
            credit_code=make_credit_code(700_000 + n),
            owner=sales.kams[n % len(sales.kams)],
        )
        for n in range(start, total)
    )
    Complaint.objects.bulk_create(
        Complaint(
            account=account,
            received_on=today - dt.timedelta(days=10),
            channel=Channel.PHONE,
            subject="交货延迟",
            content="x",
            severity=Severity.ORDINARY,
            handler=account.owner,
            due_on=today - dt.timedelta(days=3),
            status=ComplaintStatus.OPEN,
            created_by=account.owner,
        )
        for account in accounts
    )


def count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


COMPLAINT_CASES = {
    "vp-overdue": ("sales_vp", {}),
    "vp-all-page-3": ("sales_vp", {"show": "all", "page": "3"}),
    "manager-open-serious": ("manager", {"show": "open", "severity": "ordinary"}),
    "kam-follow-up": ("kam", {"show": "all"}),
}


def measured_sales() -> Sales:
    """The complaint list measured for every case at SMALL accounts, then grown to LARGE."""
    sales = make_sales()
    grow_to(sales, SMALL)
    for case, (who, params) in COMPLAINT_CASES.items():
        client = client_for(sales.user(who))
        sales.small[case] = count_queries(client, reverse("complaints:list"), params)
    grow_to(sales, LARGE)
    return sales


@pytest.fixture(scope="module")
def sales(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, measured_sales)


@pytest.mark.parametrize("case", COMPLAINT_CASES)
def test_complaint_list_budget(sales, client, django_assert_max_num_queries, case):
    who, params = COMPLAINT_CASES[case]
    client.force_login(sales.user(who))
    url = reverse("complaints:list")
    small = sales.small[case]
    large = count_queries(client, url, params)
    assert small == large, f"{case}: {small} queries at {SMALL} accounts, {large} at {LARGE}"
    with django_assert_max_num_queries(COMPLAINTS_BUDGET):
        response = client.get(url, params)
    assert response.context["page"].object_list


def fill(account: KeyAccount, n: int) -> None:
    """n complaints on the account, through the service."""
    today = timezone.localdate()
    for i in range(n):
        services.complaint_create(
            account=account,
            by=account.owner,
            data={
                "received_on": today,
                "channel": Channel.EMAIL,
                "subject": f"投诉{i}",
                "content": "x",
                "severity": Severity.MINOR,
                "handler": account.owner,
            },
        )


def test_account_complaints_page_costs_the_same_for_few_or_many(sales, client):
    # The two accounts sit among the module's LARGE ones.
    owner = sales.kams[0]
    small, large = (
        KeyAccount.objects.create(name=name, owner=owner) for name in ("小账户", "大账户")
    )
    fill(small, 1)
    fill(large, 40)
    for viewer in (owner, sales.teams[0].manager, sales.sales_vp, sales.admin):
        client.force_login(viewer)
        counts = [
            count_queries(client, reverse("complaints:account", args=[a.pk]))
            for a in (small, large)
        ]
        assert counts[0] == counts[1], f"{viewer}: {counts}"
