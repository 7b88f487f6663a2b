"""Periods written the way people say them: 2027年1月, 2027年第一季度, 2027年上半年, 2027年度 in
Chinese; January 2027, Q1 2027, H1 2027, 2027 in English. Every page, file and reminder that
names a month, a quarter, a half-year or a year goes through here, so that one wording is used
throughout, and a translator changes it in one place.

The words and the order of the words are both in the message catalogs (context "period"): the
names (1月, 第一季度, 上半年) are translated on their own and then placed by a format string,
so Chinese can put the year first. Pure functions of plain values, no database.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import pgettext, pgettext_lazy

MONTH_NAMES = (
    pgettext_lazy("period", "January"),
    pgettext_lazy("period", "February"),
    pgettext_lazy("period", "March"),
    pgettext_lazy("period", "April"),
    pgettext_lazy("period", "May"),
    pgettext_lazy("period", "June"),
    pgettext_lazy("period", "July"),
    pgettext_lazy("period", "August"),
    pgettext_lazy("period", "September"),
    pgettext_lazy("period", "October"),
    pgettext_lazy("period", "November"),
    pgettext_lazy("period", "December"),
)
QUARTER_NAMES = (
    pgettext_lazy("period", "Q1"),
    pgettext_lazy("period", "Q2"),
    pgettext_lazy("period", "Q3"),
    pgettext_lazy("period", "Q4"),
)
HALF_NAMES = (pgettext_lazy("period", "H1"), pgettext_lazy("period", "H2"))


def quarter_of(day: dt.date) -> int:
    return (day.month + 2) // 3


def half_of(day: dt.date) -> int:
    return 1 if day.month <= 6 else 2


def month_name(day: dt.date) -> str:
    """The month without its year, where the year is said already: 1月 / January."""
    return str(MONTH_NAMES[day.month - 1])


def month_label(day: dt.date) -> str:
    """The month of `day`: 2027年1月 / January 2027."""
    return pgettext("period", "%(month)s %(year)d") % {"month": month_name(day), "year": day.year}


def quarter_name(quarter: int) -> str:
    """第一季度 / Q1."""
    return str(QUARTER_NAMES[quarter - 1])


def quarter_label(year: int, quarter: int) -> str:
    """2027年第一季度 / Q1 2027."""
    return pgettext("period", "%(quarter)s %(year)d") % {
        "quarter": quarter_name(quarter),
        "year": year,
    }


def half_name(half: int) -> str:
    """上半年 / H1."""
    return str(HALF_NAMES[half - 1])


def half_label(year: int, half: int) -> str:
    """2027年上半年 / H1 2027."""
    return pgettext("period", "%(half)s %(year)d") % {"half": half_name(half), "year": year}


def year_label(year: int) -> str:
    """2027年度 / 2027."""
    return pgettext("period", "%(year)d") % {"year": year}


def months_label(start: dt.date, end: dt.date) -> str:
    """A run of months, as the frequency rules' two-month windows are: 2027年1月–2月 /
    January–February 2027; across a year end, each month with its year."""
    if (start.year, start.month) == (end.year, end.month):
        return month_label(start)
    if start.year != end.year:
        return f"{month_label(start)} – {month_label(end)}"
    return pgettext("period", "%(first)s–%(last)s %(year)d") % {
        "first": month_name(start),
        "last": month_name(end),
        "year": start.year,
    }


# The calendar periods the product counts in, by the names the code gives them.
MONTH, TWO_MONTHS, QUARTER, HALF_YEAR, YEAR = "month", "two_months", "quarter", "half_year", "year"


def period_label(kind: str, start: dt.date) -> str:
    """A calendar period named by its kind and first day, e.g. ("quarter", 2027-04-01) →
    2027年第二季度. Any other kind is named by its first month."""
    if kind == QUARTER:
        return quarter_label(start.year, quarter_of(start))
    if kind == HALF_YEAR:
        return half_label(start.year, half_of(start))
    if kind == YEAR:
        return year_label(start.year)
    if kind == TWO_MONTHS:
        index = start.year * 12 + start.month  # the next month, 0-based month arithmetic
        return months_label(start, dt.date(index // 12, index % 12 + 1, 1))
    return month_label(start)
