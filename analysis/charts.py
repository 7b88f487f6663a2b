"""The analysis charts, laid out by the line-chart helper the compliance dashboard uses
(visits/charts.py, drawn by templates/partials/line_chart_svg.html): server-side SVG, told
apart by dash and marker as well as colour, so they read on paper too."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils.translation import gettext as _

from kam.periods import month_label
from visits.charts import LineChart, Series, line_chart

TEN_THOUSAND = Decimal(10_000)


def pareto_chart(points: list[Decimal]) -> LineChart:
    """Share of revenue (y) brought by the top share of accounts (x), against equal shares."""
    steps = len(points) - 1
    labels = [f"{100 * i // steps}%" for i in range(steps + 1)]
    return line_chart(
        _("Share of revenue by share of accounts"),
        labels,
        [
            Series(_("Share of revenue"), [float(p) for p in points]),
            Series(_("Equal shares"), [100 * i / steps for i in range(steps + 1)]),
        ],
        y_max=100,
        y_step=20,
        width=640,
    )


def nice_ceiling(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at or above `value` (and at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * power:
            return m * power
    return 10 * power  # pragma: no cover


def sales_chart(
    months: list[dt.date], invoiced: list[Decimal], collected: list[Decimal]
) -> LineChart:
    """Invoiced and collected per month, in units of 10,000 yuan (万元)."""
    inv = [float(v / TEN_THOUSAND) for v in invoiced]
    col = [float(v / TEN_THOUSAND) for v in collected]
    top = nice_ceiling(max(inv + col + [0.0]))
    labels = [month_label(m) if i % 3 == 0 else "" for i, m in enumerate(months)]
    return line_chart(
        _("Invoiced and collected by month (10,000 yuan)"),
        labels,
        [Series(_("Invoiced"), inv), Series(_("Collected"), col)],
        y_max=top,
        y_step=top / 4,
        unit="",
        width=720,
        plot_height=180,
    )
