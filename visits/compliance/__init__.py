"""The compliance dashboard's figures (SPEC §3), computed by the database.

For a period (a month, a quarter or a year) and a scope (the company, a team, a KAM, an
account), each figure is a grouped query: rows per team, per KAM or per account come back from
SQL, never from a loop over visits or plans. Python only adds up those few grouped rows (tiers ×
years × months per group) into the page's figures, its total and its 12-month trend.

What the figures count:
- plans on time / approved: each active KAM owes a plan for every month of the period whose
  plan was due (the 25th before, visits.services.plans) before today; on time = submitted by
  then (VisitPlan.is_late, decided at the first submission); approved = approved now.
- records on time: the same for the monthly records (due by the 5th, working calendar).
- planned visits done: lines of submitted plans, not removed, in months of the period that have
  ended, that have a visit recorded against them.
- frequency rules met: closed windows met / closed windows owed; accounts overdue: with a closed
  window owed and not met (visits/compliance/windows.py, from the rollup of visits/tally.py —
  call `tally_catch_up()` before reading).
- spot checks confirmed: of the spot checks of the period that were called, those confirmed.
Account-linked facts (visits, plan lines, spot checks, windows) go by the account's present
owner: visits count for the account, and the requirement falls on whoever owns it now. Plans
and records go by their KAM. KAMs who have left drop out (their accounts were handed over).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from accounts.models import KeyAccount
from kam.models import User
from kam.roles import Role
from visits import rules
from visits.compliance.windows import RuleFigures, Sums, add_up, overdue_counts, window_sums
from visits.models import VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.months import add_months, month_end
from visits.selectors.requirements import KEY_TIERS
from visits.services.plans import plan_due_on

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
PERIOD_RE = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{1,2}))?$")
TREND_MONTHS = 12


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year
    start: dt.date

    @property
    def end(self) -> dt.date:
        return month_end(add_months(self.start, PERIOD_MONTHS[self.kind] - 1))

    @property
    def months(self) -> list[dt.date]:
        return [add_months(self.start, i) for i in range(PERIOD_MONTHS[self.kind])]

    @property
    def param(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month + 2) // 3}"
        return f"{self.start:%Y-%m}"

    def shift(self, n: int) -> Period:
        return Period(self.kind, add_months(self.start, n * PERIOD_MONTHS[self.kind]))

    def as_kind(self, kind: str) -> Period:
        size = PERIOD_MONTHS[kind]
        return Period(kind, self.start.replace(month=(self.start.month - 1) // size * size + 1))


def parse_period(text: str | None, today: dt.date) -> Period:
    """'2026', '2026-Q1' or '2026-03'; anything else is this month (not an error)."""
    match = PERIOD_RE.match((text or "").strip())
    if match and 2000 <= int(match[1]) <= 2100:
        year = int(match[1])
        if match[2]:
            return Period("quarter", dt.date(year, int(match[2]) * 3 - 2, 1))
        if match[3] and 1 <= int(match[3]) <= 12:
            return Period("month", dt.date(year, int(match[3]), 1))
        if not match[2] and not match[3]:
            return Period("year", dt.date(year, 1, 1))
    return Period("month", today.replace(day=1))


def trend_months(period: Period, today: dt.date) -> list[dt.date]:
    """A year's own twelve months; otherwise the 12 months up to the period's last month (or up
    to this month, when the period ends later)."""
    if period.kind == "year":
        return period.months
    last = min(period.months[-1], today.replace(day=1))
    return [add_months(last, i - TREND_MONTHS + 1) for i in range(TREND_MONTHS)]


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Figures:
    plans_due: int = 0
    plans_on_time: int = 0
    plans_approved: int = 0
    records_due: int = 0
    records_on_time: int = 0
    lines_due: int = 0
    lines_done: int = 0
    spot_checked: int = 0
    spot_confirmed: int = 0
    visits: int = 0
    windows: RuleFigures = field(default_factory=RuleFigures)

    def __add__(self, other: Figures) -> Figures:
        names = [f for f in self.__dataclass_fields__ if f != "windows"]
        summed = {n: getattr(self, n) + getattr(other, n) for n in names}
        return Figures(**summed, windows=self.windows + other.windows)

    @property
    def plans_on_time_pct(self) -> int | None:
        return _pct(self.plans_on_time, self.plans_due)

    @property
    def plans_approved_pct(self) -> int | None:
        return _pct(self.plans_approved, self.plans_due)

    @property
    def records_on_time_pct(self) -> int | None:
        return _pct(self.records_on_time, self.records_due)

    @property
    def lines_done_pct(self) -> int | None:
        return _pct(self.lines_done, self.lines_due)

    @property
    def spot_confirmed_pct(self) -> int | None:
        return _pct(self.spot_confirmed, self.spot_checked)

    @property
    def rules_met_pct(self) -> int | None:
        return _pct(self.windows.met, self.windows.due)


@dataclass
class TrendPoint:
    month: dt.date
    rules_met: int | None = None
    plans_on_time: int | None = None
    records_on_time: int | None = None
    lines_done: int | None = None


@dataclass
class Dashboard:
    rows: dict  # {team / KAM / account pk (None: no team): Figures}
    total: Figures
    trend: list[TrendPoint]


# Scope -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a page counts: key accounts, not retired, narrowed by `where` (lookups on the
    account); the owners whose OwnerTally rows add up to them (`owners`, lookups on the user);
    and the KAMs whose plans and records count."""

    where: dict
    owners: dict
    kams: QuerySet[User]

    @property
    def accounts(self) -> QuerySet[KeyAccount]:
        return key_accounts().filter(**self.where)

    def tally_lookups(self) -> dict:
        """The same accounts, as lookups on AccountTally (a join, not a subquery)."""
        lookups = {"account__tier__in": KEY_TIERS, "account__is_archived": False}
        return lookups | {f"account__{k}": v for k, v in self.where.items()}

    def owner_lookups(self) -> dict:
        return {f"owner__{k}": v for k, v in self.owners.items()}


def key_accounts() -> QuerySet[KeyAccount]:
    return KeyAccount.objects.filter(tier__in=KEY_TIERS, is_archived=False)


def active_kams() -> QuerySet[User]:
    return User.objects.filter(role=Role.KAM, is_active=True)


def company_scope() -> Scope:
    return Scope({}, {}, active_kams())


def team_scope(team_id: int | None) -> Scope:
    """A team's KAMs and their accounts; team_id None: the people in no team."""
    if team_id is None:
        kams = active_kams().filter(team=None)
        return Scope({"owner__team__isnull": True}, {"team__isnull": True}, kams)
    kams = active_kams().filter(team_id=team_id)
    return Scope({"owner__team_id": team_id}, {"team_id": team_id}, kams)


def kam_scope(kam: User) -> Scope:
    return Scope({"owner_id": kam.pk}, {"pk": kam.pk}, active_kams().filter(pk=kam.pk))


def accounts_scope(account_ids: list[int]) -> Scope:
    return Scope({"pk__in": account_ids}, {"pk__in": []}, User.objects.none())


# Plans and records --------------------------------------------------------------

KAM_PATHS = {"team": "team_id", "kam": "pk"}


def _documents(scope: Scope, group: str, months: list[dt.date], today: dt.date, model, due_on):
    """The months whose due date passed, and {(group, month): (on time, approved)}."""
    due = [m for m in months if due_on(m) < today]
    path = KAM_PATHS[group]
    counts = {"on_time": Count("pk", filter=Q(submitted_at__isnull=False, is_late=False))}
    if model is VisitPlan:
        counts["approved"] = Count("pk", filter=Q(status=PlanStatus.APPROVED))
    rows = (
        model.objects.filter(kam__in=scope.kams.values("pk"), month__in=due)
        .values("month", key=F(f"kam__{path}"))
        .annotate(**counts)
        .order_by()
    )
    return due, {(r["key"], r["month"]): (r["on_time"], r.get("approved", 0)) for r in rows}


# The page ------------------------------------------------------------------------------------


def dashboard(
    scope: Scope,
    group: str,
    period: Period,
    *,
    today: dt.date,
    rule_list: list[rules.Rule],
    documents_group: str | None = None,
) -> Dashboard:
    """Rows per team, KAM or account, their total and the trend: five queries. Plans and
    records are counted per `documents_group` (default: `group`; none on account rows)."""
    months = trend_months(period, today)
    years = sorted({m.year for m in months} | {period.start.year})
    rows = window_sums(
        group=group,
        years=years,
        rule_list=rule_list,
        owners=scope.owner_lookups(),
        accounts=scope.tally_lookups(),
    )
    sums = add_up(rows, rule_list, start=period.start, end=period.end, trend=months, today=today)
    overdue = overdue_counts(
        scope.tally_lookups(),
        rule_list,
        group=group,
        start=period.start,
        end=period.end,
        today=today,
    )
    figures = {
        key: _account_figures(sums.get(key, Sums()), overdue.get(key)) for key in {*sums, *overdue}
    }
    doc_group = documents_group or (group if group in KAM_PATHS else None)
    trend = [TrendPoint(m) for m in months]
    _trend_rules(trend, sums.values())
    if doc_group:
        docs = _add_documents(scope, doc_group, period, months, today, trend)
        if doc_group == group:
            for key, extra in docs.items():
                figures[key] = figures.get(key, Figures()) + extra
        else:
            return Dashboard(figures, _total(figures) + _total(docs), trend)
    return Dashboard(figures, _total(figures), trend)


def _total(figures: dict) -> Figures:
    return sum(figures.values(), Figures())


def _account_figures(sums: Sums, overdue: RuleFigures | None) -> Figures:
    windows = sums.rules
    if overdue is not None:
        windows.accounts = overdue.accounts
        windows.overdue_accounts = overdue.overdue_accounts
        windows.overdue = overdue.overdue
    return Figures(
        lines_due=sums.lines_due,
        lines_done=sums.lines_done,
        spot_checked=sums.checked,
        spot_confirmed=sums.confirmed,
        visits=sums.visits,
        windows=windows,
    )


def _trend_rules(trend: list[TrendPoint], groups) -> None:
    groups = list(groups)
    for point in trend:
        due = sum(s.trend_due.get(point.month, 0) for s in groups)
        met = sum(s.trend_met.get(point.month, 0) for s in groups)
        lines = sum(s.trend_lines.get(point.month, 0) for s in groups)
        done = sum(s.trend_done.get(point.month, 0) for s in groups)
        point.rules_met, point.lines_done = _pct(met, due), _pct(done, lines)


def _add_documents(scope, group, period, months, today, trend) -> dict:
    """Plans and records per group for the period, and their monthly trend: three queries."""
    out: dict = {}
    wanted = sorted(set(months) | set(period.months))
    owing = scope.kams.values(key=F(KAM_PATHS[group])).annotate(n=Count("pk")).order_by()
    kams = {r["key"]: r["n"] for r in owing}
    for model, due_on, prefix in (
        (VisitPlan, plan_due_on, "plans"),
        (VisitRecord, rules.record_due, "records"),
    ):
        due, counts = _documents(scope, group, wanted, today, model, due_on)
        in_period = [m for m in due if period.start <= m <= period.end]
        for key, n in kams.items():
            f = out.setdefault(key, Figures())
            setattr(f, f"{prefix}_due", n * len(in_period))
            on_time = sum(counts.get((key, m), (0, 0))[0] for m in in_period)
            setattr(f, f"{prefix}_on_time", on_time)
            if prefix == "plans":
                f.plans_approved = sum(counts.get((key, m), (0, 0))[1] for m in in_period)
        everyone = sum(kams.values())
        for point in trend:
            if point.month in due:
                on_time = sum(v[0] for (_, m), v in counts.items() if m == point.month)
                setattr(point, f"{prefix}_on_time", _pct(on_time, everyone))
    return out
