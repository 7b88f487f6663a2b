"""Churn warning (SPEC §6): why an active key account may be slipping away, computed in SQL.

Each reason is a condition on the account, switched on at the threshold an administrator sets
(`ChurnWeight`); the score is the sum of the weights of the reasons that are on. The criteria:

- revenue_drop: invoiced revenue of the last 6 months (182 days up to today) fell by at least
  `threshold` % against the same days a year earlier (which must have had revenue);
- receivables_overdue: an uncancelled invoice still unpaid `threshold` days or more after its
  due date;
- visits_missed: no visit (a real visit, not a card or a festival call) by the owner KAM in
  the last `threshold` days. The frequency rules ask her for one to two a month (§13), so the
  default of 45 days means a month and a half with none — a simple, fixed-cost stand-in for
  the full frequency engine;
- complaints_open: at least `threshold` complaints still open;
- complaints_overdue: an open complaint more than `threshold` days past its deadline;
- decision_maker: no visit in the last `threshold` days met a key decision maker of the
  account (also on when none is on record).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import KeyAccount
from accounts.models.archive import ContactLevel, Status
from analysis.models import ChurnWeight, Reason
from complaints.models import Complaint, ComplaintStatus
from receivables.models import Invoice
from visits.models import Visit
from visits.models.choices import VisitKind

REVENUE_WINDOW_DAYS = 182
MONEY = DecimalField(max_digits=16, decimal_places=2)

DEFAULTS = {  # reason: (threshold, weight) — what the data migration seeds
    Reason.REVENUE_DROP: (30, 3),
    Reason.RECEIVABLES_OVERDUE: (60, 3),
    Reason.VISITS_MISSED: (45, 2),
    Reason.COMPLAINTS_OPEN: (2, 1),
    Reason.COMPLAINTS_OVERDUE: (0, 2),
    Reason.DECISION_MAKER: (180, 2),
}


def weights() -> dict[str, ChurnWeight]:
    """The reasons in force: what administrators saved, else the defaults. One query."""
    rows = {w.reason: w for w in ChurnWeight.objects.all()}
    for reason, (threshold, weight) in DEFAULTS.items():
        rows.setdefault(reason, ChurnWeight(reason=reason, threshold=threshold, weight=weight))
    return {r: rows[r] for r in Reason.values}


def year_before(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February falls on the 28th."""
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def _invoiced(start: dt.date, end: dt.date) -> Coalesce:
    total = (
        Invoice.objects.filter(
            account=OuterRef("pk"), is_cancelled=False, issued_on__gte=start, issued_on__lte=end
        )
        .order_by()
        .values("account")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def _conditions(today: dt.date, w: dict[str, ChurnWeight]) -> dict[str, Q | Exists]:
    """Each reason as a condition on an account annotated by `_figures`."""
    t = {reason: row.threshold for reason, row in w.items()}
    unpaid = Invoice.objects.filter(
        account=OuterRef("pk"),
        is_cancelled=False,
        paid__lt=F("amount"),
        due_on__lte=today - dt.timedelta(days=t[Reason.RECEIVABLES_OVERDUE]),
    )
    owner_visits = Visit.objects.filter(
        account=OuterRef("pk"),
        visitor=OuterRef("owner"),
        is_cancelled=False,
        kind=VisitKind.VISIT,
        visited_on__gt=today - dt.timedelta(days=t[Reason.VISITS_MISSED]),
        visited_on__lte=today,
    )
    late_complaints = Complaint.objects.filter(
        account=OuterRef("pk"),
        status=ComplaintStatus.OPEN,
        due_on__lt=today - dt.timedelta(days=t[Reason.COMPLAINTS_OVERDUE]),
    )
    met_decider = Visit.objects.filter(
        account=OuterRef("pk"),
        is_cancelled=False,
        visited_on__gt=today - dt.timedelta(days=t[Reason.DECISION_MAKER]),
        visited_on__lte=today,
        contacts__level=ContactLevel.DECISION_MAKER,
    )
    keep = Decimal(100 - min(t[Reason.REVENUE_DROP], 100)) / 100
    return {
        Reason.REVENUE_DROP: Q(rev_before__gt=0, rev_now__lte=F("rev_before") * keep),
        Reason.RECEIVABLES_OVERDUE: Exists(unpaid),
        Reason.VISITS_MISSED: ~Exists(owner_visits),
        Reason.COMPLAINTS_OPEN: Q(open_complaints__gte=max(t[Reason.COMPLAINTS_OPEN], 1)),
        Reason.COMPLAINTS_OVERDUE: Exists(late_complaints),
        Reason.DECISION_MAKER: ~Exists(met_decider),
    }


def _open_complaints() -> Coalesce:
    n = (
        Complaint.objects.filter(account=OuterRef("pk"), status=ComplaintStatus.OPEN)
        .order_by()
        .values("account")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(n, output_field=IntegerField()), Value(0))


# How a score is shown: red from HIGH_RISK, amber from MEDIUM_RISK, grey below (a kam.tones tone).
HIGH_RISK, MEDIUM_RISK = 6, 3


def risk_tone(score: int) -> str:
    return "danger" if score >= HIGH_RISK else "warning" if score >= MEDIUM_RISK else "secondary"


def at_risk(
    accounts: QuerySet[KeyAccount], today: dt.date, w: dict[str, ChurnWeight]
) -> QuerySet[KeyAccount]:
    """Active, unretired accounts of `accounts` with each reason as a boolean `r_<reason>`,
    the figures behind them, and `risk` the sum of the weights; highest risk first. Only
    accounts with a positive score are kept."""
    window = dt.timedelta(days=REVENUE_WINDOW_DAYS - 1)
    year_ago = year_before(today)
    qs = accounts.filter(status=Status.ACTIVE, is_archived=False).annotate(
        rev_now=_invoiced(today - window, today),
        rev_before=_invoiced(year_ago - window, year_ago),
        open_complaints=_open_complaints(),
    )
    flags = {
        f"r_{reason}": Case(
            When(cond, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for reason, cond in _conditions(today, w).items()
    }
    qs = qs.annotate(**flags)
    score = Value(0)
    for reason, row in w.items():
        if row.weight:
            score = score + Case(
                When(**{f"r_{reason}": True}, then=Value(row.weight)), default=Value(0)
            )
    return (
        qs.annotate(risk=Coalesce(score, Value(0), output_field=IntegerField()))
        .filter(risk__gt=0)
        .order_by("-risk", "name", "pk")
    )
