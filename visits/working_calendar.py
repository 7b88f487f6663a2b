"""The working calendar's database side: the administrators' table of holidays and make-up
working days (visits.OfficialDay) handed to the engine (visits.rules), the import of a year's
arrangement, and what a change of it sets right.

- Reading: the engine asks for the table on every working-day question, so it is kept in this
  process and read again at most every RELOAD_SECONDS (one query): a change made in another
  process (the admin's, a worker's) is seen within that time. A change made here is seen at
  once (`calendar_changed`).
- Stored deadlines: most deadlines are worked out when shown (the workbench, the calendar
  page). Those written down when something was created — a visit record's due date, the due
  date on a reminder — are recomputed by `calendar_changed` for the years it touched, so they
  never keep a holiday that is no longer one.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from visits import rules
from visits.models import DayKind, OfficialDay, VisitRecord
from visits.months import add_months

log = logging.getLogger(__name__)

RELOAD_SECONDS = 60

# (monotonic time after which the table is read again, the table)
_kept: tuple[float, rules.CalendarTable] = (0.0, rules.NO_TABLE)


def _load() -> rules.CalendarTable:
    rows = OfficialDay.objects.values_list("day", "kind", "name")
    days = {day: rules.OfficialDay(kind == DayKind.WORKDAY, name) for day, kind, name in rows}
    return rules.CalendarTable(days, frozenset(day.year for day in days))


def table() -> rules.CalendarTable:
    """The table as the engine uses it (`rules.use_table(table)` in the app's ready())."""
    global _kept
    until, kept = _kept
    if time.monotonic() < until:
        return kept
    try:
        fresh = _load()
    except DatabaseError:  # before the migration that makes the table
        log.warning("the holiday table cannot be read; using the package alone", exc_info=True)
        return rules.NO_TABLE
    if fresh != kept:  # changed by another process: windows cached with old deadlines go
        _windows_forget()
    _kept = (time.monotonic() + RELOAD_SECONDS, fresh)
    return fresh


def _windows_forget() -> None:
    from visits.tally import year_windows

    year_windows.cache_clear()


def forget() -> None:
    """Read the table again at its next use; windows cached with the old deadlines go too."""
    global _kept
    _kept = (0.0, _kept[1])
    _windows_forget()


def pin(kept: rules.CalendarTable = rules.NO_TABLE) -> None:
    """Tests: use this table without reading the database until the next change."""
    global _kept
    _kept = (float("inf"), kept)
    _windows_forget()


def official_years(first: int, last: int) -> list[tuple[int, str]]:
    """[(year, "table" | "package" | "")] from `first` to `last`: which years' deadlines
    follow the State Council's holidays, and from where (rules.holiday_source)."""
    return [(year, rules.holiday_source(year)) for year in range(first, last + 1)]


# A change and what it sets right --------------------------------------------------------


def calendar_changed(years: Iterable[int]) -> int:
    """Call inside the transaction that changed the table. Returns the stored due dates
    moved."""
    years = sorted(set(years))
    forget()
    transaction.on_commit(forget)  # what was read inside the transaction may roll back
    if not years:
        return 0
    return _records_refresh(years) + _reminders_refresh(years)


def _months_due_in(years: list[int]) -> list[dt.date]:
    """The months whose deadlines can fall in `years`: a December's record is due in
    January, so the month before each year counts too."""
    first = add_months(dt.date(years[0], 1, 1), -1)
    months, month = [], first
    while month.year <= years[-1]:
        months.append(month)
        month = add_months(month, 1)
    return months


def _records_refresh(years: list[int]) -> int:
    """Visit records carry their due date (the 5th, moved past holidays): recomputed. Whether
    a record already submitted was late stays as judged when it was submitted."""
    moved = 0
    for month in _months_due_in(years):
        due = rules.record_due(month)
        moved += VisitRecord.objects.filter(month=month).exclude(due_on=due).update(due_on=due)
    return moved


def _reminders_refresh(years: list[int]) -> int:
    from kam.models import Notification
    from visits.reminders import CALENDAR_KINDS, reminder_due_on

    low, high = dt.date(years[0] - 1, 12, 1), dt.date(years[-1] + 1, 1, 31)
    notes = Notification.objects.filter(kind__in=CALENDAR_KINDS, due_on__range=(low, high))
    moved = 0
    for kind, key, due_on in notes.values_list("kind", "key", "due_on").distinct():
        due = reminder_due_on(kind, key)
        if due is not None and due != due_on:
            moved += notes.filter(kind=kind, key=key).update(due_on=due)
    return moved


# Importing a year's arrangement ---------------------------------------------------------

HOLIDAY_WORDS = {"holiday", "off", "休", "假", "放假", "休息", "节假日"}
WORKDAY_WORDS = {"workday", "work", "班", "上班", "调休", "补班", "调休上班"}
_SPLIT = re.compile(r"[,\t;，；、]+|\s+")


@dataclass
class ImportResult:
    year: int
    added: int
    changed: int
    removed: int
    moved: int  # stored due dates recomputed


def parse_arrangement(text: str, year: int) -> tuple[list[OfficialDay], list[str]]:
    """One day a line: date, kind (holiday / workday, or 休 / 班), name (optional), split by
    commas, tabs or spaces. Blank lines and lines starting with # are skipped. Returns the
    days and the errors, each naming its line."""
    days: dict[dt.date, OfficialDay] = {}
    errors = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = [p for p in _SPLIT.split(line, maxsplit=2) if p]
        try:
            day = dt.date.fromisoformat(parts[0].replace("/", "-"))
        except ValueError:
            msg = _("Line %(n)d: “%(text)s” is not a date (YYYY-MM-DD).")
            errors.append(msg % {"n": number, "text": parts[0]})
            continue
        word = parts[1].lower() if len(parts) > 1 else ""
        kind = DayKind.HOLIDAY if word in HOLIDAY_WORDS else None
        kind = DayKind.WORKDAY if word in WORKDAY_WORDS else kind
        at = {"n": number, "day": day.isoformat(), "year": year}
        if kind is None:
            errors.append(_("Line %(n)d: say holiday or workday (休 or 班).") % at)
        elif day.year != year:
            errors.append(_("Line %(n)d: %(day)s is not in %(year)d.") % at)
        elif day in days:
            errors.append(_("Line %(n)d: %(day)s is listed twice.") % at)
        elif kind == DayKind.WORKDAY and day.weekday() < 5:
            msg = _("Line %(n)d: %(day)s is a weekday, so it cannot be a make-up working day.")
            errors.append(msg % at)
        else:
            name = parts[2] if len(parts) > 2 else ""
            days[day] = OfficialDay(day=day, kind=kind, name=name[:50])
    if not days and not errors:
        errors.append(_("The list has no dates."))
    return list(days.values()), errors


@transaction.atomic
def import_arrangement(*, year: int, days: list[OfficialDay]) -> ImportResult:
    """The year's arrangement replaces what the table held for that year (a date left out of
    the new list is no longer a holiday): one transaction, recorded in each day's history."""
    wanted = {d.day: d for d in days}
    current = {d.day: d for d in OfficialDay.objects.select_for_update().filter(day__year=year)}
    added = changed = removed = 0
    for day, old in current.items():
        if day not in wanted:
            old.delete()
            removed += 1
    for day, new in wanted.items():
        old = current.get(day)
        if old is None:
            new.save()
            added += 1
        elif (old.kind, old.name) != (new.kind, new.name):
            old.kind, old.name = new.kind, new.name
            old.save()
            changed += 1
    moved = calendar_changed([year])
    return ImportResult(year, added, changed, removed, moved)
