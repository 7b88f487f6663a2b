"""The server-drawn line chart (visits/charts.py, templates/partials/line_chart_svg.html)."""

from django.template.loader import render_to_string

from visits.charts import Series, line_chart


def test_gaps_markers_and_scale():
    chart = line_chart(
        "趋势",
        ["01", "02", "03", "04"],
        [Series("A", [100, None, 50, 0]), Series("B", [None, None, None, None])],
        plot_height=200,
    )
    a, b = chart.series
    assert a.segments == ["44.0,12.0", "510.7,112.0 744.0,212.0"]  # None breaks the line
    assert [p.value for p in a.points] == [100, 50, 0]
    assert (a.colour, a.dash, a.marker) != (b.colour, b.dash, b.marker)  # told apart in print
    assert b.points == [] and not chart.empty
    assert [t.text for t in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert line_chart("空", ["01"], [Series("A", [None])]).empty


def test_the_partial_renders_plain_svg():
    chart = line_chart("趋势 <b>", ["01", "02"], [Series("规则 & 计划", [10, 90])])
    html = render_to_string("partials/line_chart_svg.html", {"chart": chart, "id": "t"})
    assert html.count("<polyline") == 1 and html.count("<circle") == 3  # two points, a legend
    assert "趋势 &lt;b&gt;" in html and "规则 &amp; 计划 · 02：90%" in html
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")
