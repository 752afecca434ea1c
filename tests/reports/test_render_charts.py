"""One chart definition, two drawings: SVG on the page and reportlab in the PDF."""

import math
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String

from reports import formatting as fmt
from reports.charts import LABEL_SIZE, _layout, chart_drawing, chart_svg, label_reach
from reports.definitions import Chart, Series
from tests.reports.factories import fault_types, sample_section

SVG = "{http://www.w3.org/2000/svg}"


def _charts():
    return {chart.kind: chart for chart in sample_section().charts}


@pytest.mark.parametrize("kind", ["bar", "line", "pie", "pareto"])
def test_every_kind_renders_accessible_svg(kind):
    chart = _charts()[kind]
    with translation.override("zh-hans"):
        svg = str(chart_svg(chart))
        title = fmt.text(chart.title)
    root = ET.fromstring(svg)  # noqa: S314 (our own output: proves it is well-formed)
    assert root.get("role") == "img"
    title_id = root.get("aria-labelledby")
    element = root.find(f"{SVG}title")
    assert element.get("id") == title_id and element.text == title
    if chart.table:
        assert root.get("aria-describedby") == f"table-{chart.table}"
    else:
        assert root.get("aria-describedby") is None
    assert "<script" not in svg
    marks = {"bar": "rect", "pareto": "rect", "line": "polyline", "pie": "path"}[kind]
    assert root.findall(f".//{SVG}{marks}")


def test_translated_title_is_the_accessible_name():
    chart = Chart(
        "c", "Response rate", "line", ["2026-01"], [Series("Response rate", [0.9])], unit="percent"
    )
    with translation.override("zh-hans"):
        assert '<title id="chart-c-title">响应率</title>' in chart_svg(chart)
    with translation.override("en"):
        assert '<title id="chart-c-title">Response rate</title>' in chart_svg(chart)


def test_labels_and_titles_are_escaped():
    hostile = '<script>alert(1)</script> & "q"'
    chart = Chart(
        "x<y",
        hostile,
        "bar",
        [hostile, "b"],
        [Series(hostile, [3, 4]), Series("s", [1, 2])],
        table='t"><img',
    )
    svg = str(chart_svg(chart))
    ET.fromstring(svg)  # noqa: S314 (our own output: still well-formed)
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in svg


def test_forty_pareto_categories_never_overlap():
    values = [(i * 13) % 37 + 1 for i in range(40)]
    chart = Chart("p", "Fault types", "pareto", fault_types(40), [Series("Orders", values)])
    for width in (640, 480, 360):
        layout = _layout(chart, width, 320)
        # Sorted descending, cumulative share rising to 100 %.
        assert layout.series[0][1] == sorted(values, reverse=True)
        assert layout.cumulative == sorted(layout.cumulative) and layout.cumulative[
            -1
        ] == pytest.approx(1)
        labels = layout.x_labels
        assert labels and all(label.angle == 45 for label in labels)
        assert layout.label_step > 1  # thinned: 40 rotated labels do not fit in a row
        sin = math.sin(math.radians(45))
        for a, b in zip(labels, labels[1:], strict=False):
            # Rotated labels are parallel: their distance apart must exceed a line.
            assert (b.x - a.x) * sin >= LABEL_SIZE
        for label in labels:
            # The rotated label's box (its text hangs below the baseline) stays inside.
            reach = label_reach(label.text, 45)
            assert label.x - reach >= 0
            assert label.y + reach <= layout.height


def test_short_labels_stay_horizontal_and_apart():
    chart = Chart(
        "m",
        "Orders",
        "bar",
        [f"{m:02d}" for m in range(1, 13)],
        [Series("Orders", list(range(12)))],
    )
    layout = _layout(chart, 640, 320)
    assert all(label.angle == 0 for label in layout.x_labels) and layout.label_step == 1
    for a, b in zip(layout.x_labels, layout.x_labels[1:], strict=False):
        half = (fmt.text_width(a.text, LABEL_SIZE) + fmt.text_width(b.text, LABEL_SIZE)) / 2
        assert b.x - a.x > half


def test_close_percentages_get_a_trend_axis_with_distinct_labels():
    chart = Chart(
        "t",
        "Response rate",
        "line",
        ["a", "b", "c"],
        [Series("Response rate", [0.955, 0.97, 0.99])],
        unit="percent",
    )
    layout = _layout(chart, 640, 320)
    assert 0.9 <= layout.ticks[0] <= 0.955 and layout.ticks[-1] >= 0.99
    assert len(set(layout.tick_labels)) == len(layout.ticks)
    bars = _layout(
        Chart(
            "b", "Response rate", "bar", ["a", "b"], [Series("x", [0.955, 0.99])], unit="percent"
        ),
        640,
        320,
    )
    assert bars.ticks[0] == 0  # bars always start at zero


def test_value_axis_has_round_ticks_covering_the_data():
    chart = Chart("b", "Orders", "bar", ["a", "b", "c"], [Series("Orders", [7, 23, 41])])
    layout = _layout(chart, 640, 320)
    assert layout.ticks[0] == 0 and layout.ticks[-1] >= 41
    steps = {round(b - a, 6) for a, b in zip(layout.ticks, layout.ticks[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in (5, 10, 20, 25)


def test_pie_merges_small_slices_into_other():
    chart = Chart(
        "p", "Orders by channel", "pie", fault_types(12), [Series("Orders", list(range(1, 13)))]
    )
    with translation.override("en"):
        layout = _layout(chart, 640, 320)
    assert len(layout.slices) == 8 and layout.slices[-1].label == "Other"
    assert sum(s.share for s in layout.slices) == pytest.approx(1)
    assert layout.slices[-1].end == pytest.approx(2 * math.pi)


def test_chart_without_data_says_so():
    chart = Chart("e", "Orders", "pareto", ["a"], [Series("Orders", [None])])
    with translation.override("zh-hans"):
        assert "无数据" in chart_svg(chart)
        drawing = chart_drawing(chart, width=400, height=200)
    assert any(isinstance(n, String) and n.text == "无数据" for n in drawing.contents)


@pytest.mark.parametrize(
    ("kind", "widget"),
    [
        ("bar", VerticalBarChart),
        ("line", HorizontalLineChart),
        ("pie", Pie),
        ("pareto", HorizontalLineChart),
    ],
)
def test_drawing_uses_reportlab_charts_laid_out_like_the_svg(kind, widget):
    chart = _charts()[kind]
    drawing = chart_drawing(chart, width=480, height=220)
    assert isinstance(drawing, Drawing) and (drawing.width, drawing.height) == (480, 220)
    widgets = [n for n in drawing.contents if isinstance(n, widget)]
    assert widgets
    layout = _layout(chart, 480, 220)
    if kind != "pie":
        plot = widgets[0]
        x, y, w, h = layout.plot
        assert (plot.x, plot.width, plot.height) == (x, w, h)
        assert plot.y == pytest.approx(220 - y - h)
    if kind == "pareto":
        bars = next(n for n in drawing.contents if isinstance(n, VerticalBarChart))
        assert bars.data[0] == layout.series[0][1]  # the same descending order
        assert widgets[0].data[0] == layout.cumulative
        shown = [name for name in bars.categoryAxis.categoryNames if name]
        assert shown == [label.text for label in layout.x_labels]
