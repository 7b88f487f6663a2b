"""Template filters for periods, the same words as kam/periods.py:
{{ plan.month|month_label }} → 2027年1月 / January 2027."""

from __future__ import annotations

import datetime as dt

from django import template

from kam import periods

register = template.Library()


@register.filter
def month_label(value: dt.date | None) -> str:
    return periods.month_label(value) if value else ""


@register.filter
def month_name(value: dt.date | None) -> str:
    return periods.month_name(value) if value else ""


@register.filter
def quarter_label(value: dt.date | None) -> str:
    """The quarter a date falls in."""
    return periods.quarter_label(value.year, periods.quarter_of(value)) if value else ""


@register.filter
def half_label(value: dt.date | None) -> str:
    """The half-year a date falls in."""
    return periods.half_label(value.year, periods.half_of(value)) if value else ""


@register.filter
def year_label(value: dt.date | int | None) -> str:
    if value is None or value == "":
        return ""
    return periods.year_label(value if isinstance(value, int) else value.year)


@register.filter
def period_label(value: dt.date | None, kind: str) -> str:
    """{{ start|period_label:"quarter" }}."""
    return periods.period_label(kind, value) if value else ""
