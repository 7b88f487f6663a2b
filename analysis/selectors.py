"""Reads of the analysis pages. Every figure is added up by the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import KeyAccount
from accounts.models.archive import Status
from analysis import churn, pareto
from analysis.models import CRITERIA_FIELDS, ProposalStatus, TierProposal, TierReview
from kam.models import User
from receivables.models import Invoice, Payment

MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Decimal(0)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 months, today included."""
    return churn.year_before(today) + dt.timedelta(days=1), today


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same number of days just before."""
    prev_end = start - dt.timedelta(days=1)
    return prev_end - (end - start), prev_end


def _revenue(start: dt.date, end: dt.date) -> Coalesce:
    live = Q(invoices__is_cancelled=False, invoices__issued_on__range=(start, end))
    return Coalesce(Sum("invoices__amount", filter=live), Value(ZERO), output_field=MONEY)


def _criteria_count():
    total = Value(0)
    for name in CRITERIA_FIELDS:
        total = total + Case(When(**{f"criteria__{name}": True}, then=Value(1)), default=Value(0))
    return Coalesce(total, Value(0), output_field=IntegerField())


def review_accounts() -> QuerySet[KeyAccount]:
    """The accounts a review ranks: every unretired account not lost."""
    return KeyAccount.objects.filter(is_archived=False).exclude(status=Status.LOST)


def tier_figures(start: dt.date, end: dt.date) -> list[pareto.Figure]:
    """One query: each account's revenue in the period and in the one before, and how many
    qualitative criteria its KAM ticked."""
    prev_start, prev_end = previous_period(start, end)
    rows = (
        review_accounts()
        .annotate(
            revenue=_revenue(start, end),
            previous=_revenue(prev_start, prev_end),
            n_criteria=_criteria_count(),
        )
        .order_by()
        .values_list("pk", "tier", "revenue", "previous", "n_criteria")
    )
    return [pareto.Figure(pk, tier, rev, prev, n) for pk, tier, rev, prev, n in rows]


def kam_proposals() -> list[tuple[int, str, str]]:
    """(account pk, tier, proposed tier) of the accounts whose KAM proposed another tier."""
    rows = review_accounts().exclude(proposed_tier="").exclude(proposed_tier=F("tier"))
    return list(rows.order_by("pk").values_list("pk", "tier", "proposed_tier"))


def unreviewed_kam_proposals() -> QuerySet[KeyAccount]:
    """Accounts with a KAM's proposal that no undecided review proposal holds."""
    held = TierProposal.objects.filter(account=OuterRef("pk"), status=ProposalStatus.PROPOSED)
    return (
        review_accounts()
        .exclude(proposed_tier="")
        .exclude(proposed_tier=F("tier"))
        .exclude(Exists(held))
    )


def accounts_named(pks: list[int]) -> dict[int, KeyAccount]:
    return {a.pk: a for a in KeyAccount.objects.select_related("owner").filter(pk__in=pks)}


def review_for(start: dt.date, end: dt.date) -> TierReview | None:
    return TierReview.objects.filter(period_start=start, period_end=end).first()


def proposals_of(review: TierReview, status: str = "") -> QuerySet[TierProposal]:
    """The review's proposals, of one status when given."""
    qs = review.proposals.select_related("account", "account__owner", "decided_by")
    return qs.filter(status=status) if status else qs


def recent_reviews(limit: int = 5) -> QuerySet[TierReview]:
    return TierReview.objects.select_related("prepared_by")[:limit]


# Churn ----------------------------------------------------------------------------------


def accounts_at_risk(user: User, today: dt.date, weights=None) -> QuerySet[KeyAccount]:
    """The risk list, scoped like the account list (accounts_visible_to)."""
    from accounts.selectors import accounts_visible_to

    return churn.at_risk(accounts_visible_to(user), today, weights or churn.weights())


# The archive page's sales figures -----------------------------------------------------------


@dataclass
class SalesFigures:
    months: list[dt.date]
    invoiced: list[Decimal]
    collected: list[Decimal]
    account_12: Decimal  # invoiced in the last 12 months
    company_12: Decimal
    share: Decimal | None  # % of company revenue over the last 12 months


def _month_start(day: dt.date, back: int) -> dt.date:
    months = day.year * 12 + day.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


def sales_figures(account: KeyAccount, today: dt.date, months: int = 24) -> SalesFigures:
    """Invoiced and collected by month for the last `months` months, and the account's share
    of company revenue over the last 12: three queries."""
    first = _month_start(today, months - 1)
    invoiced = dict(
        Invoice.objects.filter(account=account, is_cancelled=False, issued_on__range=(first, today))
        .annotate(m=TruncMonth("issued_on"))
        .order_by()
        .values("m")
        .annotate(s=Sum("amount"))
        .values_list("m", "s")
    )
    collected = dict(
        Payment.objects.filter(
            account=account, reversed_at__isnull=True, received_on__range=(first, today)
        )
        .annotate(m=TruncMonth("received_on"))
        .order_by()
        .values("m")
        .annotate(s=Sum("amount"))
        .values_list("m", "s")
    )
    year_start = default_period(today)[0]
    totals = Invoice.objects.filter(
        is_cancelled=False, issued_on__range=(year_start, today)
    ).aggregate(
        company=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY),
        account=Coalesce(Sum("amount", filter=Q(account=account)), Value(ZERO), output_field=MONEY),
    )
    labels = [_month_start(today, back) for back in range(months - 1, -1, -1)]

    def by_month(rows: dict) -> list[Decimal]:
        # TruncMonth gives a date on PostgreSQL and SQLite alike for a DateField.
        return [rows.get(m, ZERO) for m in labels]

    share = totals["account"] * 100 / totals["company"] if totals["company"] else None
    return SalesFigures(
        labels, by_month(invoiced), by_month(collected), totals["account"], totals["company"], share
    )
