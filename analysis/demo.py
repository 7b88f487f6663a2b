"""Demo analysis: the KAMs tick the qualitative criteria of a few accounts, two potential
accounts start buying in earnest, and the tier review for the last 12 months is prepared, so
it shows promotions and demotions. Revenue is the invoices receivables/demo.py wrote."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from accounts.models import KeyAccount
from accounts.models.archive import Status, Tier
from analysis.models import CRITERIA_FIELDS, AccountCriteria
from analysis.selectors import default_period
from analysis.services import review_prepare
from kam.registry import registry
from receivables.models import Invoice


def build(ctx) -> None:
    today = timezone.localdate()
    start, end = default_period(today)
    ranked = list(
        KeyAccount.objects.filter(is_archived=False)
        .exclude(status=Status.LOST)
        .annotate(
            revenue=Sum(
                "invoices__amount",
                filter=Q(invoices__issued_on__gte=start, invoices__is_cancelled=False),
            )
        )
        .filter(revenue__gt=0)
        .order_by("-revenue")[:12]
    )
    criteria = []
    for n, account in enumerate(ranked):
        ticked = CRITERIA_FIELDS[: (5, 4, 1, 3, 2, 0)[n % 6]]
        if ticked:
            criteria.append(
                AccountCriteria(
                    account=account, updated_by=account.owner, **dict.fromkeys(ticked, True)
                )
            )
    AccountCriteria.objects.bulk_create(criteria)
    _rising_stars(ctx, today)
    review = review_prepare(start=start, end=end, by=None)
    ctx.log.append(f"tier review with {review.proposals.count()} proposals")


def _rising_stars(ctx, today: dt.date) -> None:
    """Two potential accounts that began to buy a lot this year."""
    stars = list(
        KeyAccount.objects.filter(tier=Tier.POTENTIAL, is_archived=False)
        .exclude(status=Status.LOST)
        .select_related("owner")
        .order_by("pk")[:2]
    )
    rows = []
    for n, account in enumerate(stars):
        for month in range(1, 7):
            issued = today - dt.timedelta(days=30 * month + 3)
            rows.append(
                Invoice(
                    account=account,
                    number=f"AN-{account.pk:05d}-{month:02d}",
                    issued_on=issued,
                    due_on=issued + dt.timedelta(days=60),
                    amount=Decimal(380_000 + 90_000 * n + 10_000 * month),
                    created_by=account.owner,
                    notes="新品试产订单",
                )
            )
        KeyAccount.objects.filter(pk=account.pk).update(status=Status.ACTIVE)
        registry.account_changed([account.pk])  # an update() bypasses the archive's services
    Invoice.objects.bulk_create(rows)
