"""Query budgets: the tier review, the risk list and the KAM's home page cost the same number
of queries with 20 accounts as with 2,000 (bulk-created), and stay under a tight budget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Status, Tier
from analysis import services
from analysis.models import AccountCriteria
from analysis.selectors import default_period
from complaints.models import Complaint
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory, make_credit_code
from receivables.models import Invoice
from visits.tally import tally_rebuild

pytestmark = pytest.mark.django_db

SMALL, LARGE = 20, 2000
TIERS = [Tier.STRATEGIC, Tier.IMPORTANT, Tier.POTENTIAL]
# Measured on PostgreSQL, plus one of margin: the review 14 (session, user, rule, figures,
# names of the top ten, review, proposal count and page, recent reviews, unread count, and
# the session save with its savepoints); the risk list 9 (weights, count, page); the KAM's
# home page 20 (the to-do lines of every app: kam/tests/test_workbench.py).
REVIEW_BUDGET = 15
RISK_BUDGET = 10


def grow_to(kams, total: int) -> None:
    start = KeyAccount.objects.count()
    today = timezone.localdate()
    accounts = KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"批量客户{n:05d}",
            credit_code=make_credit_code(700_000 + n),
            owner=kams[n % len(kams)],
            tier=TIERS[n % 3],
            status=Status.ACTIVE,
        )
        for n in range(start, total)
    )
    Contact.objects.bulk_create(
        Contact(account=a, name="决策人", level=ContactLevel.DECISION_MAKER) for a in accounts
    )
    Invoice.objects.bulk_create(
        Invoice(
            account=a,
            number=f"Q{a.pk}-{k}",
            issued_on=today - dt.timedelta(days=30 + 365 * k),
            due_on=today - dt.timedelta(days=k * 300),
            amount=Decimal(1000 + (a.pk * 37) % 9000),
            created_by=a.owner,
        )
        for a in accounts
        for k in (0, 1)
    )
    Complaint.objects.bulk_create(
        Complaint(
            account=a,
            received_on=today - dt.timedelta(days=20),
            channel="phone",
            subject="投诉",
            content="内容",
            severity="ordinary",
            handler=a.owner,
            due_on=today - dt.timedelta(days=13),
            created_by=a.owner,
        )
        for a in accounts[::4]
    )
    AccountCriteria.objects.bulk_create(
        AccountCriteria(account=a, leads_business=True, influential=True, high_potential=True)
        for a in accounts[::7]
    )


def _count(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_pages_cost_the_same_with_20_or_2000_accounts(client):
    team = TeamFactory()
    kams = [UserFactory(role=Role.KAM, team=team) for _ in range(4)]
    vp, gm = UserFactory(role=Role.SALES_VP), UserFactory(role=Role.GM)
    start, end = default_period(timezone.localdate())
    tiers = reverse("analysis:tiers") + "?status="
    pages = [
        (vp, tiers),
        (gm, tiers),
        (vp, reverse("analysis:churn")),
        (team.manager, reverse("analysis:churn") + "?page=2"),
        (kams[0], reverse("analysis:churn")),
        (kams[0], reverse("home")),
    ]
    counts = []
    for total in (SMALL, LARGE):
        grow_to(kams, total)
        tally_rebuild()  # bulk rows bypass the services that keep the home page's rollup current
        services.review_prepare(start=start, end=end, by=vp)
        counts.append([_count(client, user, url) for user, url in pages])
    small, large = counts
    assert large == small
    assert max(large[:2]) <= REVIEW_BUDGET
    assert max(large[2:5]) <= RISK_BUDGET
    assert large[5] <= 20  # kam/tests/test_page_budgets.py's budget for the home page
