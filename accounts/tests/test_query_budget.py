"""Query budgets: the account list and the archive page cost a fixed number of queries,
however many accounts, contacts, events, reports, history rows and timeline entries exist.

Each test measures a page on a small data set and again on a large one: the counts must be
equal (nothing grows with data), and both must stay under a tight budget (a guard against a
new query slipping in unnoticed). The data is built once for the module (kam/tests/once.py):
the list's counts on the small set are taken while it is built, before it grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Contact, KeyAccount
from accounts.models.access import LoanStatus
from accounts.models.archive import ContactLevel, EventKind, Status, Tier
from kam.models import Team, User
from kam.roles import Role
from kam.tests.factories import LoanFactory, TeamFactory, UserFactory, make_credit_code
from kam.tests.matrix import client_for
from kam.tests.once import built_once

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 500
CONTACTS_PER_ACCOUNT = 3

# Measured on PostgreSQL, plus one query of margin. The list: 11 queries (session, user,
# count, page, contact counts, unread notifications, owner and team choices, session save
# and its savepoint pair); 13 with an owner and a team filter (each choice is validated).
# The archive: 23 queries for readers by position (17 + the receivables card + the
# complaints card + the sales figures' 4: invoiced and collected by month, the revenue share,
# the criteria), 24 on a loan (the loan lookup).
LIST_BUDGET = 14
ARCHIVE_BUDGET = 24


@dataclass
class Sales:
    teams: list[Team]
    kams: list[User]
    sales_vp: User
    created: int = 0
    small: dict[str, int] = field(default_factory=dict)  # list queries per case at SMALL

    @property
    def manager(self) -> User:
        return self.teams[0].manager

    def user(self, who: str) -> User:
        return {"sales_vp": self.sales_vp, "manager": self.manager, "kam": self.kams[0]}[who]


def make_sales() -> Sales:
    teams = [TeamFactory(name="华东组"), TeamFactory(name="华北组")]
    kams = [UserFactory(role=Role.KAM, team=teams[i % 2]) for i in range(6)]
    return Sales(teams, kams, UserFactory(role=Role.SALES_VP))


TIERS = [Tier.STRATEGIC, Tier.IMPORTANT, Tier.POTENTIAL]
STATUSES = [Status.ACTIVE, Status.DEVELOPING, Status.ACTIVE, Status.LOST]


def grow_to(sales: Sales, total: int) -> None:
    """Bulk-create accounts (and their contacts) until `total` exist, spread over six KAMs
    in two teams, every tier and status, some retired."""
    start, sales.created = sales.created, total
    accounts = KeyAccount.objects.bulk_create(
        [
            KeyAccount(
                name=f"批量客户{n:04d}有限公司",
                credit_code=make_credit_code(500_000 + n),
                owner=sales.kams[n % len(sales.kams)],
                tier=TIERS[n % len(TIERS)],
                status=STATUSES[n % len(STATUSES)],
                lost_on=dt.date(2025, 6, 30)
                if STATUSES[n % len(STATUSES)] == Status.LOST
                else None,
                industry="机械制造" if n % 2 else "汽车零部件",
                legal_representative="张三",
                is_archived=n % 10 == 9,
            )
            for n in range(start, total)
        ]
    )
    Contact.objects.bulk_create(
        Contact(
            account=account,
            name=f"联系人{account.pk}-{i}",
            level=ContactLevel.OPERATIONAL,
            is_active=i != 2,
        )
        for account in accounts
        for i in range(CONTACTS_PER_ACCOUNT)
    )


def count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The list (一览表) ------------------------------------------------------------------------

LIST_CASES = {
    "vp-default": ("sales_vp", {}),
    "vp-tier-status-sort-owner-page2": (
        "sales_vp",
        {"tier": Tier.STRATEGIC, "status": Status.ACTIVE, "sort": "owner", "page": "2"},
    ),
    "vp-all-filters-sort-updated": (
        "sales_vp",
        {
            "q": "批量客户",
            "team": "TEAM",
            "owner": "KAM",
            "industry": "机械",
            "archived": "on",
            "sort": "updated",
        },
    ),
    "manager-default": ("manager", {}),
    "manager-tier-sort-name-desc": ("manager", {"tier": Tier.IMPORTANT, "sort": "-name"}),
    "kam-default": ("kam", {}),
    "kam-archived-sort-status-page2": ("kam", {"archived": "on", "sort": "status", "page": "2"}),
}


def _list_case(sales: Sales, case: str) -> tuple[User, dict]:
    who, params = LIST_CASES[case]
    params = dict(params)
    if params.get("team") == "TEAM":
        params["team"] = str(sales.kams[1].team_id)
    if params.get("owner") == "KAM":
        params["owner"] = str(sales.kams[1].pk)
    return sales.user(who), params


def measured_sales() -> Sales:
    """The list measured for every case at SMALL accounts, then grown to LARGE."""
    sales = make_sales()
    grow_to(sales, SMALL)
    for case in LIST_CASES:
        user, params = _list_case(sales, case)
        sales.small[case] = count_queries(client_for(user), reverse("accounts:list"), params)
    grow_to(sales, LARGE)
    return sales


@pytest.fixture(scope="module")
def sales(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, measured_sales)


@pytest.mark.parametrize("case", LIST_CASES)
def test_list_page_budget(sales, client, django_assert_max_num_queries, case):
    user, params = _list_case(sales, case)
    client.force_login(user)
    url = reverse("accounts:list")

    small = sales.small[case]
    large = count_queries(client, url, params)

    assert small == large, f"{case}: {small} queries at {SMALL} accounts, {large} at {LARGE}"
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(url, params)
    assert response.context["page"].object_list, "a budget on an empty page proves nothing"


def test_list_shows_the_scope_it_counts(sales, client):
    """The budgeted pages really list what they should: no budget met by listing nothing."""
    live = KeyAccount.objects.filter(is_archived=False)
    expected = {
        "sales_vp": live.count(),
        "manager": live.filter(owner__team=sales.teams[0]).count(),
        "kam": live.filter(owner=sales.kams[0]).count(),
    }
    for who, count in expected.items():
        client.force_login(sales.user(who))
        response = client.get(reverse("accounts:list"))
        assert response.context["page"].paginator.count == count
    assert expected["kam"] < expected["manager"] < expected["sales_vp"]


# The archive (原始资料) -------------------------------------------------------------------


def fill_archive(account: KeyAccount, owner: User, admin: User, n: int) -> None:
    """n of everything the archive page shows, written through the services so that history
    rows and timeline entries are the real ones."""
    today = timezone.localdate()
    contacts = [
        services.contact_save(
            account=account,
            by=owner,
            data={
                "name": f"联系人{i}",
                "title": "采购经理",
                "level": ContactLevel.choices[i % 4][0],
                "phone": f"0510-8{i:07d}",
                "email": f"c{i}@example.com",
                "notes": "",
                "is_active": True,
            },
        )
        for i in range(n)
    ]
    for i, contact in enumerate(contacts):
        services.contact_save(
            account=account, by=owner, contact=contact, data={"title": f"采购总监{i}"}
        )
    for i in range(n):
        services.event_save(
            account=account,
            by=owner,
            data={
                "kind": EventKind.choices[i % 4][0],
                "title": f"事件{i}",
                "date": today - dt.timedelta(days=30 * i),
                "yearly": i % 2 == 0,
                "notes": "",
                "is_cancelled": i % 5 == 4,
            },
        )
        services.report_add(
            account=account,
            by=owner,
            data={
                "period": f"{2000 + i}",
                "revenue": Decimal("1000000.00") + i,
                "net_profit": Decimal("50000.00"),
                "summary": "稳中有升",
                "file": ContentFile(b"%PDF-1.4", name=f"r{i}.pdf") if i % 2 else "",
            },
        )
        services.account_update(
            account=account,
            by=owner if i % 2 else admin,
            data={"notes": f"第{i}次更新", "phone": f"0510-{i:08d}"},
        )
        services.review_record(
            account=account,
            by=owner,
            reviewed_on=today - dt.timedelta(days=i),
            changed=i % 2 == 1,
            notes="换了采购经理" if i % 2 else "",
        )
        services.major_matter_report(
            account=account,
            by=admin,
            occurred_on=today,
            subject=f"技术交流{i}",
            content="对方总工来访",
        )
        services.timeline_add(account=account, kind="visit", summary=f"拜访{i}", actor=owner)


@dataclass
class Archives:
    small: KeyAccount
    large: KeyAccount
    viewers: dict[str, User]


def make_archives(sales: Sales) -> Archives:
    """Two archives among the LARGE accounts of `sales` (the page sits among many, too)."""
    owner = sales.kams[0]
    admin = UserFactory(role=Role.ADMIN)
    gm = UserFactory(role=Role.GM)
    loanee = UserFactory(role=Role.STAFF)
    small, large = (
        services.account_create(
            by=admin,
            data={"name": name, "tier": Tier.STRATEGIC, "status": Status.ACTIVE, "owner": owner},
        )
        for name in ("小档案有限公司", "大档案有限公司")
    )
    fill_archive(small, owner, admin, 1)
    fill_archive(large, owner, admin, 40)
    for account in (small, large):
        LoanFactory(account=account, requester=loanee, status=LoanStatus.APPROVED)
    viewers = {
        "owner": owner,
        "manager": sales.manager,
        "sales_vp": sales.sales_vp,
        "gm": gm,
        "admin": admin,
        "loanee": loanee,
    }
    return Archives(small, large, viewers)


@pytest.fixture(scope="module")
def archives(sales, django_db_blocker):
    yield from built_once(django_db_blocker, lambda: make_archives(sales))


@pytest.mark.parametrize("who", ["owner", "manager", "sales_vp", "gm", "admin", "loanee"])
def test_archive_page_budget(archives, client, django_assert_max_num_queries, who):
    client.force_login(archives.viewers[who])
    small = count_queries(client, reverse("accounts:detail", args=[archives.small.pk]))
    large_url = reverse("accounts:detail", args=[archives.large.pk])
    large = count_queries(client, large_url)

    assert small == large, f"{who}: {small} queries on a small archive, {large} on a large one"
    with django_assert_max_num_queries(ARCHIVE_BUDGET):
        response = client.get(large_url)
    # The large archive really is large on the page: the budget is not met by showing nothing.
    context = response.context
    assert len(context["contacts"]) == 40
    assert len(context["events"]) == 40
    assert len(context["reports"]) == 40
    assert len(context["timeline"].entries) == 20 and context["timeline"].has_next
    assert len(context["history"]) == 60
    assert len(context["reviews"]) == 6
