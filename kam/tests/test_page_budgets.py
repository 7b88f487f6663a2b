"""Query budgets of the smaller pages: counted on little data and on much, they must match."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import ArchiveAccess, ArchiveLoan, KeyAccount, MajorMatter
from accounts.models.access import LoanStatus
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from visits.tally import tally_rebuild

pytestmark = pytest.mark.django_db


def _fill(n: int, owner, others, vp):
    base = KeyAccount.objects.count()
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"客户{base + i}",
            credit_code=make_credit_code(base + i),
            owner=owner,
            tier="important",
            status="active",
        )
        for i in range(n)
    )
    KeyAccount.objects.update(
        created_at=timezone.now() - dt.timedelta(days=300),
        tier_since=timezone.localdate() - dt.timedelta(days=300),
    )
    until = timezone.localdate() + dt.timedelta(days=5)
    ArchiveLoan.objects.bulk_create(
        ArchiveLoan(
            account=a,
            requester=others[i % len(others)],
            reason="查",
            until=until,
            status=LoanStatus.PENDING if i % 2 else LoanStatus.APPROVED,
        )
        for i, a in enumerate(accounts)
    )
    ArchiveAccess.objects.bulk_create(
        ArchiveAccess(user=others[i % len(others)], account=a, action="view")
        for i, a in enumerate(accounts)
    )
    MajorMatter.objects.bulk_create(
        MajorMatter(
            account=a,
            reported_by=others[0],
            occurred_on=timezone.localdate(),
            subject="来访",
            content="内容",
        )
        for a in accounts
    )
    Notification.objects.bulk_create(
        Notification(recipient=u, kind="review_due", key=f"k{base + i}", title="提醒")
        for i, a in enumerate(accounts)
        for u in (owner, vp)
    )


PAGES = [
    ("owner", "home", {}),
    ("vp", "home", {}),
    ("manager", "home", {}),
    ("owner", "inbox", {"show": "all"}),
    ("owner", "accounts:loans", {}),
    ("staff", "accounts:loans", {}),
    ("vp", "accounts:access_log", {}),
    ("vp", "accounts:access_log", {"q": "客户"}),
    ("vp", "accounts:reviews_overdue", {}),
    ("staff", "accounts:lookup", {"q": "客户"}),
]


def _count(client, user, name, params):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(queries)


def test_small_pages_cost_the_same_with_ten_or_three_hundred_accounts(client):
    team = TeamFactory()
    owner = UserFactory(role=Role.KAM, team=team)
    vp = UserFactory(role=Role.SALES_VP)
    staff = [UserFactory(role=Role.STAFF) for _ in range(5)]
    who = {"owner": owner, "vp": vp, "manager": team.manager, "staff": staff[0]}
    _fill(10, owner, staff, vp)
    tally_rebuild()  # bulk rows bypass the services that keep the home page's rollup current
    small = [_count(client, who[w], name, params) for w, name, params in PAGES]
    _fill(290, owner, staff, vp)
    tally_rebuild()
    large = [_count(client, who[w], name, params) for w, name, params in PAGES]
    assert large == small
    # The home page asks every app for its to-do lines (kam/tests/test_workbench.py has each
    # role's budget); the other pages stay small.
    budgets = [20 if name == "home" else 14 for _w, name, _p in PAGES]
    assert all(n <= budget for n, budget in zip(large, budgets, strict=True)), large
