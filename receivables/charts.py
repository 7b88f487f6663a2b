"""Bar charts drawn on the server as SVG (templates/partials/bar_chart_svg.html): no script,
no CDN. Geometry is worked out here in Decimal, so the page needs no arithmetic and money
never passes through a float on its way to the screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Bootstrap 5's palette, so the bars match the badges beside them.
TONES = {
    "primary": "#0d6efd",
    "success": "#198754",
    "info": "#0dcaf0",
    "warning": "#ffc107",
    "orange": "#fd7e14",
    "danger": "#dc3545",
    "secondary": "#6c757d",
}
TENTH = Decimal("0.1")


def _n(value: Decimal) -> str:
    """An SVG coordinate: one decimal, never localised."""
    return str(value.quantize(TENTH, rounding=ROUND_HALF_UP))


@dataclass
class Bar:
    label: str
    value: Decimal
    text: str  # the value as people read it, above the bar
    tone: str = "primary"
    href: str = ""
    x: str = ""
    y: str = ""
    width: str = ""
    height: str = ""
    centre: str = ""
    text_y: str = ""

    @property
    def fill(self) -> str:
        return TONES.get(self.tone, TONES["primary"])


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    width: str = ""
    height: str = ""
    baseline: str = ""
    label_y: str = ""
    guides: list[tuple[str, str]] = field(default_factory=list)  # (y, text)

    @property
    def empty(self) -> bool:
        return not any(b.value for b in self.bars)


def bar_chart(
    title: str,
    bars: list[Bar],
    *,
    scale_max: Decimal | None = None,
    guides: list[tuple[Decimal, str]] = (),
    plot_height: int = 160,
    bar_width: int = 48,
    gap: int = 20,
) -> BarChart:
    """Lay the bars out left to right on a common scale (the largest value, or `scale_max`
    when that is larger, e.g. 100 for percentages). Negative values draw as empty bars."""
    top, bottom, left = 22, 26, 8
    highest = max([b.value for b in bars] + [scale_max or Decimal(0), Decimal(0)])
    plot = Decimal(plot_height)
    baseline = Decimal(top + plot_height)
    for i, bar in enumerate(bars):
        share = max(bar.value, Decimal(0)) / highest if highest else Decimal(0)
        height = plot * share
        x = Decimal(left + i * (bar_width + gap))
        bar.x, bar.width = _n(x), _n(Decimal(bar_width))
        bar.height, bar.y = _n(height), _n(baseline - height)
        bar.centre = _n(x + Decimal(bar_width) / 2)
        bar.text_y = _n(baseline - height - 6)
    chart = BarChart(title=title, bars=bars)
    chart.width = _n(Decimal(left * 2 + len(bars) * (bar_width + gap) - gap))
    chart.height = _n(Decimal(top + plot_height + bottom))
    chart.baseline = _n(baseline)
    chart.label_y = _n(baseline + 18)
    chart.guides = [
        (_n(baseline - plot * value / highest), text)
        for value, text in guides
        if highest and value <= highest
    ]
    return chart
