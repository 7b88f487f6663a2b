"""The days of a calendar page, pure: weeks start on Monday (as Chinese calendars print
them), and each day knows whether it is a public holiday or a make-up working day (调休).

Holidays come from the working calendar the deadlines use (`visits.rules`: the administrators'
table of holidays and make-up days, then `chinese-calendar`); for a year neither knows, no day
is marked, as the rules then fall back to plain weekends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext_lazy as _

from visits import rules
from visits.months import month_end

WEEK = dt.timedelta(days=7)

# chinese_calendar.Holiday names → what the page says.
HOLIDAY_NAMES = {
    "new_years_day": _("New Year's Day"),
    "spring_festival": _("Spring Festival"),
    "tomb_sweeping_day": _("Tomb-sweeping Day"),
    "labour_day": _("Labour Day"),
    "dragon_boat_festival": _("Dragon Boat Festival"),
    "national_day": _("National Day"),
    "mid_autumn_festival": _("Mid-Autumn Festival"),
    "anti_fascist_70th_day": _("Victory Day"),
}


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool = True  # False for the neighbouring months' days that fill a grid's weeks
    holiday: str = ""  # the public holiday's name; "" on other days
    is_makeup: bool = False  # a Saturday or Sunday worked in exchange for a holiday (调休)

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_day_off(self) -> bool:
        return bool(self.holiday) or (self.is_weekend and not self.is_makeup)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def day_of(date: dt.date, in_month: bool = True) -> Day:
    entry = rules.official_day(date)
    if entry is not None:  # the administrators' table overrides the package
        if entry.is_working:
            return Day(date, in_month, is_makeup=date.weekday() >= 5)
        return Day(date, in_month, str(entry.name or _("Public holiday")))
    if not rules.package_has_year(date.year):
        return Day(date, in_month)
    is_off, name = chinese_calendar.get_holiday_detail(date)
    holiday = ""
    if is_off and name:
        key = getattr(chinese_calendar.Holiday(name), "name", "")
        holiday = str(HOLIDAY_NAMES.get(key, name))
    makeup = not is_off and date.weekday() >= 5
    return Day(date, in_month, holiday, makeup)


def month_weeks(month: dt.date) -> list[list[Day]]:
    """The month's grid: whole weeks, Monday to Sunday, from the week of the 1st to the week
    of its last day."""
    first = month.replace(day=1)
    last = month_end(first)
    weeks, start = [], monday_of(first)
    while start <= last:
        days = (start + dt.timedelta(days=i) for i in range(7))
        weeks.append([day_of(d, d.month == first.month) for d in days])
        start += WEEK
    return weeks


def week_days(day: dt.date) -> list[Day]:
    start = monday_of(day)
    return [day_of(start + dt.timedelta(days=i)) for i in range(7)]
