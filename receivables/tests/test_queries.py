"""Query budgets: the receivables view and an account's receivables page cost a fixed number of
queries, with 50 accounts or 500 (and with few or many invoices, payments and actions on one
account). The complaint pages have theirs in complaints/tests/test_queries.py.

Each page is measured on a small and a large data set: the counts must be equal (nothing
grows with the data), and under a tight budget measured on PostgreSQL plus one of margin. The
data is built once for the module (kam/tests/once.py): the counts on the small set are taken
while it is built, before it grows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import KeyAccount
from kam.models import Team, User
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from kam.tests.matrix import client_for
from kam.tests.once import built_once
from receivables import services
from receivables.models import (
    CollectionAction,
    CollectionMethod,
    Invoice,
    Payment,
    PaymentAllocation,
)

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 500
# Measured on PostgreSQL, plus one query of margin. The receivables view: 16 to 19 queries
# (session, user, scope totals and credit, row count and rows, the period series (2), the
# period per row (2), the most overdue and their last chase, the filter choices, unread
# notifications, session save and its savepoint pair; a team or KAM filter validates its
# choice). An account's receivables page: 16 (with the archive read getter and the
# access-log insert).
REPORT_BUDGET = 20
ACCOUNT_PAGE_BUDGET = 17


@dataclass
class Sales:
    teams: list[Team]
    kams: list[User]
    sales_vp: User
    admin: User
    created: int = 0
    small: dict[str, int] = field(default_factory=dict)  # report queries per case at SMALL

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
    """Accounts with three invoices each (not due, 45 and 120 days overdue), a partial payment
    and a collection action, until `total` accounts exist."""
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
    invoices = Invoice.objects.bulk_create(
        Invoice(
            account=account,
            number=f"Q{account.pk}-{days}",
            issued_on=today - dt.timedelta(days=days + 30),
            due_on=today - dt.timedelta(days=days),
            amount=Decimal("1000.00") + account.pk % 97,
            created_by=account.owner,
        )
        for account in accounts
        for days in (-10, 45, 120)
    )
    payments = Payment.objects.bulk_create(
        Payment(
            account=invoice.account,
            received_on=today - dt.timedelta(days=20),
            amount=Decimal("300.00"),
            applied=Decimal("300.00"),
            recorded_by=invoice.account.owner,
        )
        for invoice in invoices[1::3]
    )
    PaymentAllocation.objects.bulk_create(
        PaymentAllocation(payment=p, invoice=i, amount=Decimal("300.00"))
        for p, i in zip(payments, invoices[1::3], strict=True)
    )
    Invoice.objects.filter(pk__in=[i.pk for i in invoices[1::3]]).update(paid=Decimal("300.00"))
    CollectionAction.objects.bulk_create(
        CollectionAction(
            account=account,
            acted_on=today - dt.timedelta(days=3),
            method=CollectionMethod.PHONE,
            result="答应下周付款",
            by=account.owner,
        )
        for account in accounts
    )


def count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


REPORT_CASES = {
    "vp-default": ("sales_vp", {}),
    "vp-per-kam-by-quarter": ("sales_vp", {"by": "kam", "period": "quarter"}),
    "vp-per-account-page-2": ("sales_vp", {"by": "account", "page": "2"}),
    "vp-team-filter": ("sales_vp", {"team": "TEAM"}),
    "admin-owner-filter": ("admin", {"owner": "KAM"}),
    "manager-default": ("manager", {}),
    "manager-per-account": ("manager", {"by": "account"}),
    "kam-default": ("kam", {}),
}


def _report_case(sales: Sales, case: str) -> tuple[User, dict]:
    who, params = REPORT_CASES[case]
    params = dict(params)
    if params.get("team") == "TEAM":
        params["team"] = str(sales.teams[1].pk)
    if params.get("owner") == "KAM":
        params["owner"] = str(sales.kams[1].pk)
    return sales.user(who), params


def measured_sales() -> Sales:
    """The receivables view measured for every case at SMALL accounts, then grown to LARGE."""
    sales = make_sales()
    grow_to(sales, SMALL)
    for case in REPORT_CASES:
        user, params = _report_case(sales, case)
        url = reverse("receivables:report")
        sales.small[case] = count_queries(client_for(user), url, params)
    grow_to(sales, LARGE)
    return sales


@pytest.fixture(scope="module")
def sales(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, measured_sales)


@pytest.mark.parametrize("case", REPORT_CASES)
def test_receivables_view_budget(sales, client, django_assert_max_num_queries, case):
    user, params = _report_case(sales, case)
    client.force_login(user)
    url = reverse("receivables:report")

    small = sales.small[case]
    large = count_queries(client, url, params)

    assert small == large, f"{case}: {small} queries at {SMALL} accounts, {large} at {LARGE}"
    with django_assert_max_num_queries(REPORT_BUDGET):
        response = client.get(url, params)
    assert response.context["rows"], "a budget on an empty page proves nothing"
    assert response.context["top"]
    assert response.context["total"].total > 0


def test_receivables_view_counts_the_whole_scope(sales, client):
    """The budgeted page really sums 500 accounts: no budget met by summing nothing."""
    client.force_login(sales.sales_vp)
    response = client.get(reverse("receivables:report"), {"by": "account"})
    expected = sum(
        (i.amount - i.paid for i in Invoice.objects.all()), Decimal("0.00")
    )  # a plain Python sum over every invoice, to compare with the database's
    assert response.context["total"].total == expected
    assert response.context["page"].paginator.count == LARGE


def fill(account: KeyAccount, n: int) -> None:
    """n of everything the account's receivables page lists, through the services."""
    today = timezone.localdate()
    owner = account.owner
    contract = services.contract_save(
        account=account,
        by=owner,
        data={
            "number": f"HT-{account.pk}",
            "signed_on": today - dt.timedelta(days=400),
            "ends_on": today,
            "amount": Decimal("99999999.00"),
            "terms": "",
            "status": "performing",
        },
    )
    for i in range(n):
        services.invoice_save(
            account=account,
            by=owner,
            data={
                "number": f"P{account.pk}-{i}",
                "contract": contract if i % 2 else None,
                "issued_on": today - dt.timedelta(days=3 * i + 10),
                "due_on": today - dt.timedelta(days=3 * i - 20),
                "amount": Decimal("500.00"),
                "notes": "",
            },
        )
        services.payment_record(
            account=account,
            by=owner,
            received_on=today,
            amount=Decimal("320.00"),
            method="transfer",
        )
        services.collection_record(
            account=account,
            by=owner,
            data={"acted_on": today, "method": "phone", "result": f"催讨{i}"},
        )
        services.reconciliation_record(
            account=account, by=owner, data={"statement_date": today, "status": "confirmed"}
        )


def test_account_receivables_page_budget(sales, client, django_assert_max_num_queries):
    # One data set for every reader: building it through the services is the slow part. The
    # two accounts sit among the module's LARGE ones.
    owner = sales.kams[0]
    small, large = (
        KeyAccount.objects.create(name=name, owner=owner) for name in ("小账户", "大账户")
    )
    fill(small, 1)
    fill(large, 40)
    for viewer in (owner, sales.teams[0].manager, sales.sales_vp, sales.admin):
        client.force_login(viewer)
        counts = [
            count_queries(client, reverse("receivables:account", args=[a.pk]))
            for a in (small, large)
        ]
        assert counts[0] == counts[1], f"{viewer}: {counts}"
    url = reverse("receivables:account", args=[large.pk])
    with django_assert_max_num_queries(ACCOUNT_PAGE_BUDGET):
        response = client.get(url)
    context = response.context
    assert len(context["invoices"]) == 30  # a full page
    assert len(context["payments"]) == 30
    assert len(context["collections"]) == 30
    assert len(context["reconciliations"]) == 12
    assert any(p.allocations.all() for p in context["payments"])
