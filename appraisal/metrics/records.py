"""The account, complaint, archive, loan and visit figures of appraisal/metrics/.

Conditions on the account (new, lost, kept, reviewed on time — the last a correlated subquery
per account) and the filled archive fields are read with the accounts themselves; complaints,
loans and visits are counted by one grouped query each, per account or per KAM (the key of
appraisal.metrics.span.grouped)."""

from __future__ import annotations

import datetime as dt
import functools
import operator

from django.db.models import (
    Case,
    Count,
    DateField,
    Expression,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual

from accounts.models import ArchiveLoan, ArchiveReview, KeyAccount
from accounts.models.access import LoanStatus
from accounts.models.archive import STANDARD_FIELDS, Status
from accounts.selectors import REVIEW_INTERVAL_DAYS
from appraisal.metrics.span import Span, grouped, per_account
from complaints.models import Complaint
from visits.models import Visit
from visits.selectors.requirements import KEY_TIERS

LOAN_DECISION_DAYS = 3  # §10: the owner answers a loan request within three days


def account_conditions(span: Span) -> dict[str, Q]:
    """Conditions on KeyAccount: a key account kept (not lost), developed in the period, lost
    in the period, and reviewed on time."""
    kept = Q(tier__in=KEY_TIERS) & ~Q(status=Status.LOST)
    became = Coalesce("cooperation_since", TruncDate("created_at"), output_field=DateField())
    last_review = per_account(
        ArchiveReview.objects.filter(reviewed_on__lte=span.day),
        Max("reviewed_on", output_field=DateField()),
        TruncDate("created_at"),
    )
    review_due = span.day - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    return {
        "kept": kept,
        "is_new": kept & GreaterThanOrEqual(became, span.start) & LessThanOrEqual(became, span.day),
        "is_lost": Q(status=Status.LOST, lost_on__range=(span.start, span.day)),
        "review_on_time": Q(GreaterThanOrEqual(last_review, review_due)),
    }


def filled_fields() -> Expression:
    """How many of the standard archive fields are filled: empty text or NULL is empty."""
    parts = []
    for name in STANDARD_FIELDS:
        empty = Q(**{f"{name}__isnull": True})
        if KeyAccount._meta.get_field(name).get_internal_type() in ("CharField", "TextField"):
            empty |= Q(**{name: ""})
        parts.append(Case(When(empty, then=0), default=1, output_field=IntegerField()))
    return functools.reduce(operator.add, parts)


def complaint_figures(span: Span, key: str) -> dict[int, dict[str, int]]:
    """{key value: complaints, complaints_on_time, satisfaction_count, satisfaction_sum}."""
    received = Complaint.objects.filter(received_on__range=(span.start, span.day))
    on_time = Q(resolved_on__lte=F("due_on")) & Q(resolved_on__lte=span.as_of)
    rated = Q(satisfaction__isnull=False, follow_up_on__lte=span.as_of)
    return grouped(
        received,
        key,
        complaints=Count("pk"),
        complaints_on_time=Count("pk", filter=on_time),
        satisfaction_count=Count("pk", filter=rated),
        satisfaction_sum=Coalesce(Sum("satisfaction", filter=rated), 0),
    )


def loan_figures(span: Span, key: str) -> dict[int, dict[str, int]]:
    """{key value: loans, loans_in_time}: requests made in the period, withdrawn ones left out.
    One still waiting counts (as not in time) once its days have run out by the end of as_of;
    before that it is left out."""
    since, until = span.moments
    days = dt.timedelta(days=LOAN_DECISION_DAYS)
    made = ArchiveLoan.objects.filter(created_at__gte=since, created_at__lt=until).exclude(
        status=LoanStatus.WITHDRAWN
    )
    decided = Q(decided_at__isnull=False, decided_at__lt=span.cutoff)
    return grouped(
        made,
        key,
        loans=Count("pk", filter=decided | Q(created_at__lt=span.cutoff - days)),
        loans_in_time=Count("pk", filter=decided & Q(decided_at__lte=F("created_at") + days)),
    )


def visit_figures(span: Span, key: str) -> dict[int, dict[str, int]]:
    """{key value: visits}: visits to the accounts in the period, by anyone, not withdrawn."""
    visits = Visit.objects.filter(is_cancelled=False, visited_on__range=(span.start, span.day))
    return grouped(visits, key, visits=Count("pk"))
