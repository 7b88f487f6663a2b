"""The frequency engine (§13): what each account needs from whom in a period, and whether the
visits done meet it. Pure: plain values in, plain values out; no database, no Django.

The API below is the contract the plan page and the compliance dashboard build on.

Values
    Rule        one frequency rule (a FrequencyRule row through `Rule.from_row`): tier, kind
                (visit / year_end_card / festival), visitor role, period, min and max count.
    Window      a period the rule is judged over: `start` and `end` inclusive, and `due`, the
                last working day on or before `end` (see "working calendar" below).
    Done        a visit as the engine sees it: date, the visitor's role at the time, kind.
                Planned visits are passed as `Done` values too (`planned=`).
    Need        one rule in one window for one account: required, done, planned, met, applies;
                `short` (visits still to do), `gap` (neither done nor planned: what the plan
                page warns about); `state(today)` is "n/a", "met", "open" (deadline not yet
                passed) or "missed".

Functions
    window_of(period, day)               the window of `period` containing `day` (None for the
                                         year end outside December and between festivals)
    windows_between(period, start, end)  every window of `period` overlapping [start, end]
    festival_days(year)                  Spring Festival and Mid-Autumn, solar dates, by lunar date
    assess(rule, window, done, *, key_since, key_until=None, planned=())      -> Need
    month_needs(tier, month, rules, done, key_since, *, key_until=None, planned=())
                                         -> [Need]: what the plan page shows for one account
    applies(window, *, key_since, key_until)   whether a window is owed at all
    is_working_day(day), working_day_on_or_before(day), working_day_on_or_after(day),
    has_holiday_data(year), record_due(month)  the Chinese working calendar

Database side: visits/selectors/requirements.py reads rules, key dates, visits and plans for
the engine (`plan_requirements(accounts, month)` for the plan page); visits/tally.py keeps the
engine's verdicts for every account and year, which the compliance dashboard adds up.

Decisions (the policy is silent on these; each is tested in visits/tests/test_rules.py)
- Windows follow the calendar: months; two-month windows Jan–Feb, Mar–Apr, …; quarters;
  half-years Jan–Jun and Jul–Dec; years. The year-end card's window is December. A festival's
  window is the FESTIVAL_LEAD_DAYS days before it and the festival day itself.
- "1–2 a month": the minimum is the requirement; the maximum is guidance, more is no breach.
- Created or re-tiered mid-period: a window applies only if the account has been a key
  account of its present tier since the window's first day (`key_since <= window.start`),
  and, when it was lost, until the window's last day (`key_until >= window.end`). Pro-rating
  was rejected: "once a quarter" cannot be owed as a fraction of a visit, and holding an
  account to a window it only joined in its last week flags a breach nobody could avoid. So
  an account made strategic on 15 March is first owed the KAM's April visit, the sales
  manager's May–June visit and the VPs' Q2 visits. The rules of the tier it left stop at once:
  it is no longer that kind of account.
- Handed over mid-period: visits count for the account, not the person. Any KAM's visit
  counts for the KAM rule (the leaver's visit on the 3rd and the successor's on the 20th are
  two visits of the month), and the requirement falls on whoever owns the account now.
- Roles are the visitor's role at the time of the visit (Visit.visitor_role), so a later
  promotion never rewrites compliance. "executive" (festival rule) means any of the sales VP,
  technical VP, executive VP or GM.
- Kinds are kept apart: a festival call is not an executive's quarterly visit and a visit in
  December is not the year-end calendar and card.
- Whom they meet (contact levels) is guidance shown on the plan page, not a condition of
  compliance: records of festival calls and mailed cards name no contact in a visit.

Working calendar
- Deadlines that fall on a holiday follow the Chinese working calendar (`chinese-calendar`,
  which includes the make-up working days, 调休). A window's `due` moves back to the last
  working day on or before its end: the festival communication must be done before the
  holiday starts, the year-end card before the office closes. A record due "by the 5th" moves
  forward to the next working day (顺延), as the policy's monthly deadlines usually do.
- The package only knows the years the State Council had published when it was released
  (2004–2026 as installed). Administrators keep the arrangement of later years (and any
  correction) in a table (visits.OfficialDay), which overrides the package day by day; the
  visits app hands it to this module (`use_table`). A year in neither falls back to weekends
  only: Saturday and Sunday off, no public holidays, no make-up days. `holiday_source(year)`
  and `has_holiday_data(year)` tell which one applies.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import chinese_calendar
from lunardate import LunarDate

# Visitor roles: the values of kam.roles.Role, plus "executive" for the festival rule.
KAM = "kam"
SALES_MANAGER = "sales_manager"
SALES_VP = "sales_vp"
TECH_VP = "tech_vp"
EXEC_VP = "exec_vp"
GM = "gm"
EXECUTIVE = "executive"
EXECUTIVE_ROLES = frozenset({SALES_VP, TECH_VP, EXEC_VP, GM})
ROLE_ORDER = (KAM, SALES_MANAGER, SALES_VP, TECH_VP, EXEC_VP, GM, EXECUTIVE)

# Kinds (visits.models.choices.RuleKind / VisitKind).
VISIT = "visit"
YEAR_END_CARD = "year_end_card"
FESTIVAL = "festival"
KIND_ORDER = (VISIT, YEAR_END_CARD, FESTIVAL)

# Periods (visits.models.choices.Period).
MONTH = "month"
TWO_MONTHS = "two_months"
QUARTER = "quarter"
HALF_YEAR = "half_year"
YEAR = "year"
YEAR_END = "year_end"
FESTIVALS = "festivals"
MONTHS_IN = {MONTH: 1, TWO_MONTHS: 2, QUARTER: 3, HALF_YEAR: 6, YEAR: 12}

SPRING_FESTIVAL = "spring_festival"
MID_AUTUMN = "mid_autumn"
# "A few days before the festival": a week, so a busy executive can fit it in.
FESTIVAL_LEAD_DAYS = 7

# Need.state()
NOT_APPLICABLE = "n/a"
MET = "met"
OPEN = "open"
MISSED = "missed"


# Working calendar ------------------------------------------------------------------------


class OfficialDay(NamedTuple):
    """A day of the State Council's arrangement kept by administrators (visits.OfficialDay):
    a holiday, or a make-up working day (调休)."""

    is_working: bool
    name: str = ""


class CalendarTable(NamedTuple):
    """The administrators' table as the engine sees it: {date: OfficialDay}, and the years it
    holds an arrangement for."""

    days: dict[dt.date, OfficialDay]
    years: frozenset[int]


NO_TABLE = CalendarTable({}, frozenset())
_table_source: Callable[[], CalendarTable] = lambda: NO_TABLE  # noqa: E731


def use_table(source: Callable[[], CalendarTable]) -> None:
    """Where the administrators' table comes from (set by the visits app: it reads the
    database, this module stays pure)."""
    global _table_source
    _table_source = source


def official_day(day: dt.date) -> OfficialDay | None:
    """The table's entry for `day`, which overrides the package."""
    return _table_source().days.get(day)


def package_has_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def holiday_source(year: int) -> str:
    """Where the year's holidays come from: "table" (the administrators' arrangement, over
    the package's where both have it), "package" (chinese-calendar), or "" (none known:
    weekends only)."""
    if year in _table_source().years:
        return "table"
    return "package" if package_has_year(year) else ""


def has_holiday_data(year: int) -> bool:
    """Whether the Chinese holiday calendar is known for `year` (else: weekends only)."""
    return bool(holiday_source(year))


def is_working_day(day: dt.date) -> bool:
    entry = official_day(day)
    if entry is not None:
        return entry.is_working
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # No published holidays for this year: the fallback is weekends only (see the
        # module's docstring), so a year-end deadline still avoids Saturday and Sunday.
        return day.weekday() < 5


def working_day_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def record_due(month: dt.date) -> dt.date:
    """§14.2: a month's record is due by the 5th of the next month, moved past holidays."""
    following = _add_months(month.replace(day=1), 1)
    return working_day_on_or_after(following.replace(day=5))


# Windows ---------------------------------------------------------------------------------


class Festival(NamedTuple):
    name: str  # SPRING_FESTIVAL or MID_AUTUMN
    day: dt.date


def festival_days(year: int) -> list[Festival]:
    """春节 (1st of the 1st lunar month) and 中秋 (15th of the 8th) that fall in `year`."""
    return [
        Festival(SPRING_FESTIVAL, LunarDate(year, 1, 1).to_solar_date()),
        Festival(MID_AUTUMN, LunarDate(year, 8, 15).to_solar_date()),
    ]


@dataclass(frozen=True)
class Window:
    period: str
    start: dt.date
    end: dt.date
    due: dt.date
    festival: str = ""  # SPRING_FESTIVAL / MID_AUTUMN for festival windows

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        return self.start <= end and self.end >= start

    @property
    def key(self) -> str:
        """A stable name: 2026-03, 2026-03..04, 2026-Q1, 2026-H1, 2026, 2026-12, 2026-mid_autumn."""
        y, m = self.start.year, self.start.month
        return {
            MONTH: f"{y}-{m:02d}",
            TWO_MONTHS: f"{y}-{m:02d}..{m + 1:02d}",
            QUARTER: f"{y}-Q{(m + 2) // 3}",
            HALF_YEAR: f"{y}-H{(m + 5) // 6}",
            YEAR: f"{y}",
            YEAR_END: f"{y}-12",
        }.get(self.period, f"{y}-{self.festival}")


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _make(period: str, start: dt.date, end: dt.date, festival: str = "") -> Window:
    return Window(period, start, end, working_day_on_or_before(end), festival)


def _calendar_window(period: str, day: dt.date) -> Window:
    size = MONTHS_IN[period]
    first_month = (day.month - 1) // size * size + 1
    start = dt.date(day.year, first_month, 1)
    return _make(period, start, _month_end(_add_months(start, size - 1)))


def _year_end_window(year: int) -> Window:
    return _make(YEAR_END, dt.date(year, 12, 1), dt.date(year, 12, 31))


def _festival_windows(year: int) -> list[Window]:
    return [
        _make(FESTIVALS, day - dt.timedelta(days=FESTIVAL_LEAD_DAYS), day, name)
        for name, day in festival_days(year)
    ]


def window_of(period: str, day: dt.date) -> Window | None:
    """The window of `period` that contains `day`; None when the period has no window then."""
    if period in MONTHS_IN:
        return _calendar_window(period, day)
    if period == YEAR_END:
        return _year_end_window(day.year) if day.month == 12 else None
    if period == FESTIVALS:
        return next((w for w in _festival_windows(day.year) if day in w), None)
    raise ValueError(f"unknown period {period!r}")


def windows_between(period: str, start: dt.date, end: dt.date) -> list[Window]:
    """Every window of `period` overlapping [start, end], oldest first."""
    if start > end:
        return []
    if period in MONTHS_IN:
        windows, window = [], _calendar_window(period, start)
        while window.start <= end:
            windows.append(window)
            window = _calendar_window(period, window.end + dt.timedelta(days=1))
        return windows
    years = range(start.year, end.year + 1)
    if period == YEAR_END:
        candidates = [_year_end_window(y) for y in years]
    elif period == FESTIVALS:
        candidates = [w for y in years for w in _festival_windows(y)]
    else:
        raise ValueError(f"unknown period {period!r}")
    return [w for w in candidates if w.overlaps(start, end)]


# Rules and visits ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    tier: str
    kind: str
    visitor_role: str
    period: str
    min_count: int = 1
    max_count: int | None = None
    contact_levels: tuple[str, ...] = ()
    id: int | None = None

    @classmethod
    def from_row(cls, row: Any) -> Rule:
        """From a FrequencyRule (or anything with its attributes)."""
        levels = tuple(x.strip() for x in (row.contact_levels or "").split(",") if x.strip())
        return cls(
            tier=row.tier,
            kind=row.kind,
            visitor_role=row.visitor_role,
            period=row.period,
            min_count=row.min_count,
            max_count=row.max_count,
            contact_levels=levels,
            id=row.pk,
        )

    @property
    def roles(self) -> frozenset[str]:
        """The visitor roles whose visits count for this rule."""
        return EXECUTIVE_ROLES if self.visitor_role == EXECUTIVE else frozenset({self.visitor_role})

    def counts(self, done: Done) -> bool:
        return done.kind == self.kind and done.visitor_role in self.roles

    @property
    def sort_key(self) -> tuple[int, int]:
        return (_index(ROLE_ORDER, self.visitor_role), _index(KIND_ORDER, self.kind))


def _index(order: tuple[str, ...], value: str) -> int:
    return order.index(value) if value in order else len(order)


@dataclass(frozen=True)
class Done:
    date: dt.date
    visitor_role: str
    kind: str = VISIT


@dataclass(frozen=True)
class Need:
    rule: Rule
    window: Window
    required: int
    done: int
    met: bool
    applies: bool
    planned: int = 0

    def state(self, today: dt.date) -> str:
        """Missed once the window's working-calendar deadline has passed unmet."""
        if not self.applies:
            return NOT_APPLICABLE
        if self.met:
            return MET
        return MISSED if today > self.window.due else OPEN

    @property
    def short(self) -> int:
        """Visits still to be done."""
        return max(0, self.required - self.done) if self.applies else 0

    @property
    def gap(self) -> int:
        """Visits neither done nor planned: what the plan page warns about."""
        return max(0, self.short - self.planned)


def applies(window: Window, *, key_since: dt.date | None, key_until: dt.date | None) -> bool:
    if key_since is None or key_since > window.start:
        return False
    return key_until is None or key_until >= window.end


def assess(
    rule: Rule,
    window: Window,
    done: Iterable[Done],
    *,
    key_since: dt.date | None,
    key_until: dt.date | None = None,
    planned: Iterable[Done] = (),
) -> Need:
    """One rule in one window for one account, given everything done (and planned) for it."""
    count = sum(1 for d in done if d.date in window and rule.counts(d))
    planned_count = sum(1 for d in planned if d.date in window and rule.counts(d))
    return Need(
        rule=rule,
        window=window,
        required=rule.min_count,
        done=count,
        met=count >= rule.min_count,
        applies=applies(window, key_since=key_since, key_until=key_until),
        planned=planned_count,
    )


def month_needs(
    tier: str,
    month: dt.date,
    rules: Iterable[Rule],
    done: Iterable[Done],
    key_since: dt.date | None,
    *,
    key_until: dt.date | None = None,
    planned: Iterable[Done] = (),
) -> list[Need]:
    """Every rule of `tier` whose window touches `month`, in the plan page's order: the KAM's
    monthly visits, the two-monthly, quarterly… windows the month belongs to, the year-end card
    in December, and festival windows reaching into the month. Needs that do not apply (yet)
    are included with applies=False, so the page can say why nothing is asked."""
    first = month.replace(day=1)
    last = _month_end(first)
    done, planned = list(done), list(planned)
    return [
        assess(rule, window, done, key_since=key_since, key_until=key_until, planned=planned)
        for rule in sorted((r for r in rules if r.tier == tier), key=lambda r: r.sort_key)
        for window in windows_between(rule.period, first, last)
    ]
