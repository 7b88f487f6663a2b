"""An iCalendar (RFC 5545) writer for the calendar subscription: the user's entries
(visits.selectors.calendar) as VEVENTs, written by hand, since a feed needs only a few
properties and their escaping and folding are short.

- Times are local to Asia/Shanghai, with a VTIMEZONE so that every client reads them alike
  (China has no daylight saving: one STANDARD rule covers every year since 1992).
- A plan line has a date, not a time: an all-day event. A visit with its time in and out is a
  timed event; without them, all-day. A schedule item has only a month: an all-day event over
  the whole month, marked free (TRANSP:TRANSPARENT), so it shows without blocking any day.
- UIDs name the row (`plan-line-12@…`), so a refresh updates an event in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _

from visits.models.plans import PlanStatus
from visits.months import add_months
from visits.selectors.calendar import DONE, PLAN, SCHEDULED, VISIT, Calendar, Entry

CRLF = "\r\n"
LINE_OCTETS = 75  # RFC 5545 §3.1: lines longer than this are folded
TZID = "Asia/Shanghai"
UID_DOMAIN = "kam-crm"
PRODID = "-//Key-account CRM//Visits calendar//ZH"
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    f"X-LIC-LOCATION:{TZID}",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "DTSTART:19700101T000000",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(value: str) -> str:
    """TEXT values (§3.3.11): backslash first, then the separators and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8
    character; each continuation starts with one space, which the reader removes."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LINE_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += width
    pieces.append(current)
    return CRLF.join(pieces)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _local(day: dt.date, time: dt.time) -> str:
    return dt.datetime.combine(day, time).strftime("%Y%m%dT%H%M%S")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _visit_end(entry: Entry) -> dt.time:
    """Time out when recorded; else time in plus the hours stayed (or one hour), within
    the day."""
    if entry.end:
        return entry.end
    hours = entry.hours if entry.hours else Decimal(1)
    start = dt.datetime.combine(entry.day, entry.start)
    end = start + dt.timedelta(minutes=int(hours * 60))
    return end.time() if end.date() == entry.day else dt.time(23, 59)


def _when(entry: Entry) -> list[str]:
    if entry.kind == SCHEDULED:
        return [
            f"DTSTART;VALUE=DATE:{_date(entry.month)}",
            f"DTEND;VALUE=DATE:{_date(add_months(entry.month, 1))}",
            "TRANSP:TRANSPARENT",
        ]
    if entry.kind == VISIT and entry.start:
        return [
            f"DTSTART;TZID={TZID}:{_local(entry.day, entry.start)}",
            f"DTEND;TZID={TZID}:{_local(entry.day, _visit_end(entry))}",
        ]
    return [
        f"DTSTART;VALUE=DATE:{_date(entry.day)}",
        f"DTEND;VALUE=DATE:{_date(entry.day + dt.timedelta(days=1))}",
        "TRANSP:TRANSPARENT",
    ]


def summary(entry: Entry) -> str:
    names = {"account": entry.account_name, "purposes": entry.purpose_text}
    if entry.kind == SCHEDULED:
        if entry.is_own:
            return _("Scheduled visit: %(account)s (%(who)s)") % {**names, "who": entry.who}
        return _("Executive visit: %(account)s (%(who)s)") % {**names, "who": entry.who}
    # A card or festival call says so; a visit or a planned one says why it is made.
    what = entry.note if entry.kind == VISIT and entry.note else entry.purpose_text
    text = entry.account_name + (f" · {what}" if what else "")
    if entry.kind == VISIT:
        return _("Visited: %(text)s") % {"text": text}
    if entry.state != PlanStatus.APPROVED:
        return _("%(text)s (%(state)s)") % {"text": text, "state": entry.state_label}
    return text


def description(entry: Entry) -> str:
    lines = [entry.state_label]
    if entry.kind == PLAN:
        lines.append(_("Planned visit, from your monthly visit plan."))
    if entry.kind == SCHEDULED:
        lines.append(_("Executive visit schedule: to be made in this month."))
    if entry.purposes:
        lines.append(_("Purposes: %(purposes)s") % {"purposes": entry.purpose_text})
    if entry.contact:
        lines.append(_("Contact: %(name)s") % {"name": entry.contact})
    if entry.hours and entry.kind == PLAN:
        lines.append(_("Expected hours: %(hours)s") % {"hours": entry.hours})
    if entry.note and entry.kind == PLAN:
        lines.append(entry.note)
    return "\n".join(line for line in lines if line)


def event(entry: Entry, *, stamp: str, absolute: Callable[[str], str]) -> Iterator[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{entry.uid}@{UID_DOMAIN}"
    yield f"DTSTAMP:{stamp}"
    yield from _when(entry)
    yield f"SUMMARY:{escape_text(summary(entry))}"
    yield f"DESCRIPTION:{escape_text(description(entry))}"
    yield f"URL:{absolute(entry.url)}"
    # A published schedule and a recorded visit are settled; a plan is until approved.
    confirmed = entry.kind != PLAN or entry.state == PlanStatus.APPROVED
    yield f"STATUS:{'CONFIRMED' if confirmed else 'TENTATIVE'}"
    yield "END:VEVENT"


def feed_entries(calendar: Calendar) -> Iterable[Entry]:
    """What a subscription shows: every dated entry, and the schedule items not yet done
    (a done one is already there as the visit that made it)."""
    for day in sorted(calendar.days):
        yield from calendar.days[day]
    yield from (e for e in calendar.scheduled if e.state != DONE)


def render(
    calendar: Calendar, *, name: str, now: dt.datetime, absolute: Callable[[str], str]
) -> str:
    stamp = _utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        *VTIMEZONE,
    ]
    for entry in feed_entries(calendar):
        lines.extend(event(entry, stamp=stamp, absolute=absolute))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
