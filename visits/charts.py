"""Line charts drawn on the server as SVG (templates/partials/line_chart_svg.html): no script,
no CDN. The geometry is worked out here so the template only places what it is given.

Readable on paper: every series has its own dash pattern and marker shape besides its colour,
the legend repeats both, and missing values (None) leave a gap instead of dropping to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

# (colour, dash pattern, marker): told apart in colour, in grey print and by the colour-blind.
STYLES = [
    ("#0d6efd", "", "circle"),
    ("#198754", "6 3", "square"),
    ("#fd7e14", "2 3", "diamond"),
    ("#6f42c1", "9 3 2 3", "triangle"),
    ("#dc3545", "4 4", "circle"),
]


def _f(value: float) -> str:
    """An SVG coordinate: one decimal, never localised."""
    return f"{value:.1f}"


@dataclass
class Point:
    x: float
    y: float
    value: float = 0
    label: str = ""  # the x label, for the tooltip

    @property
    def cx(self) -> str:
        return _f(self.x)

    @property
    def cy(self) -> str:
        return _f(self.y)

    @property
    def sx(self) -> str:
        """The left edge of a 7×7 square centred on the point (and `sy` its top)."""
        return _f(self.x - 3.5)

    @property
    def sy(self) -> str:
        return _f(self.y - 3.5)

    @property
    def diamond(self) -> str:
        x, y = self.x, self.y
        corners = [(x, y - 4.5), (x + 4.5, y), (x, y + 4.5), (x - 4.5, y)]
        return " ".join(f"{_f(a)},{_f(b)}" for a, b in corners)

    @property
    def triangle(self) -> str:
        x, y = self.x, self.y
        return f"{_f(x)},{_f(y - 5)} {_f(x + 4.5)},{_f(y + 3.5)} {_f(x - 4.5)},{_f(y + 3.5)}"


def marker(point: Point, shape: str, tip: str = "") -> SafeString:
    """The point's marker as SVG, with a tooltip; built here, not by an {% include %} per
    point (a dozen points a series, four series, on every dashboard page)."""
    title = format_html("<title>{}</title>", tip) if tip else ""
    if shape == "square":
        html = '<rect x="{}" y="{}" width="7" height="7">{}</rect>'
        return format_html(html, point.sx, point.sy, title)
    if shape in ("diamond", "triangle"):
        corners = point.diamond if shape == "diamond" else point.triangle
        return format_html('<polygon points="{}">{}</polygon>', corners, title)
    return format_html('<circle cx="{}" cy="{}" r="3.5">{}</circle>', point.cx, point.cy, title)


@dataclass
class Legend:
    """One legend entry: a stretch of the series' line, its marker, its name."""

    x1: str
    x2: str
    y: str
    text_x: str
    marker: SafeString


@dataclass
class Series:
    name: str
    values: list[float | None]
    colour: str = ""
    dash: str = ""
    marker: str = "circle"
    segments: list[str] = field(default_factory=list)  # polyline "x,y x,y" runs
    points: list[Point] = field(default_factory=list)
    markers: list[SafeString] = field(default_factory=list)
    legend: Legend | None = None


@dataclass
class Tick:
    pos: str
    text: str


@dataclass
class LineChart:
    title: str
    series: list[Series]
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    unit: str = ""

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)

    @property
    def y_label_x(self) -> int:
        return self.left - 6

    @property
    def x_label_y(self) -> int:
        return self.bottom + 18

    @property
    def middle(self) -> Point:
        return Point((self.left + self.right) / 2, (self.top + self.bottom) / 2)


def line_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    y_max: float = 100,
    y_step: float = 25,
    unit: str = "%",
    width: int = 760,
    plot_height: int = 200,
) -> LineChart:
    """Lay the series out over `labels` (one x position each) on a 0..y_max scale."""
    left, right, top = 44, 16, 12
    bottom = top + plot_height
    step = (width - left - right) / max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return left + i * step

    def y_of(value: float) -> float:
        return bottom - plot_height * min(max(value, 0), y_max) / y_max

    for n, s in enumerate(series):
        s.colour, s.dash, s.marker = STYLES[n % len(STYLES)]
        lx, ly = left + (n % 3) * 235, bottom + 42 + (n // 3) * 20
        sample = marker(Point(lx + 14, ly), s.marker)
        s.legend = Legend(_f(lx), _f(lx + 28), _f(ly), _f(lx + 34), sample)
        run: list[str] = []
        for i, value in enumerate(s.values):
            if value is None:
                if run:
                    s.segments.append(" ".join(run))
                run = []
                continue
            point = Point(x_of(i), y_of(value), value, labels[i])
            s.points.append(point)
            s.markers.append(
                marker(
                    point,
                    s.marker,
                    _("%(label)s: %(value)s")
                    % {"label": f"{s.name} · {labels[i]}", "value": f"{value:.0f}{unit}"},
                )
            )
            run.append(f"{point.cx},{point.cy}")
        if run:
            s.segments.append(" ".join(run))
    ticks, value = [], 0.0
    while value <= y_max:
        ticks.append(Tick(_f(y_of(value)), f"{value:g}{unit}"))
        value += y_step
    rows = (len(series) + 2) // 3
    return LineChart(
        title=title,
        series=series,
        width=width,
        height=bottom + 30 + 20 * rows,
        left=left,
        right=width - right,
        top=top,
        bottom=bottom,
        x_ticks=[Tick(_f(x_of(i)), text) for i, text in enumerate(labels)],
        y_ticks=ticks,
        unit=unit,
    )
