"""One chart definition (definitions.Chart) drawn two ways: inline SVG on the page and a
reportlab Drawing in the PDF.

`_layout()` decides everything both drawings share, once: the category order (a Pareto
sorts descending and adds the cumulative share), the plot rectangle, the value scale and
its ticks, the colours, and which x labels show at which angle so that even 40 long
category names never overlap (they rotate by 45° and are thinned; the full names are in
the data table the chart points at). The SVG is drawn straight from the layout; the PDF
uses reportlab's chart widgets placed and scaled from the same layout.

Coordinates in the layout are SVG's: origin top left, y down. The reportlab side flips y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import formatting as fmt
from .definitions import Chart

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
CUMULATIVE_COLOUR = "#c0392b"
AXIS_COLOUR = "#6c757d"
GRID_COLOUR = "#dee2e6"
TITLE_SIZE = 11.0
LABEL_SIZE = 8.0
PIE_SLICES = 8  # more slices than this merge into "Other": thin wedges cannot be read
MAX_LABEL = 90.0  # points a rotated x label may take before it is shortened


@dataclass
class XLabel:
    x: float
    y: float
    text: str
    angle: float  # degrees counter-clockwise: 0 or 45


@dataclass
class Slice:
    label: str
    value: float
    share: float
    colour: str
    start: float  # radians, clockwise from 12 o'clock
    end: float


@dataclass
class Layout:
    width: float
    height: float
    kind: str
    unit: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None], str]]  # (name, values, colour)
    empty: bool = False
    cumulative: list[float] = field(default_factory=list)  # Pareto: running share 0–1
    plot: tuple[float, float, float, float] = (0, 0, 0, 0)  # x, y (top), width, height
    vmin: float = 0.0
    vmax: float = 1.0
    ticks: list[float] = field(default_factory=list)
    tick_labels: list[str] = field(default_factory=list)
    right_ticks: list[float] = field(default_factory=list)  # Pareto's cumulative % axis
    band: float = 0.0
    x_labels: list[XLabel] = field(default_factory=list)
    label_step: int = 1
    legend: list[tuple[str, str, float, float]] = field(default_factory=list)  # text, colour, x, y
    slices: list[Slice] = field(default_factory=list)
    centre: tuple[float, float] = (0, 0)
    radius: float = 0.0

    def y_of(self, value: float) -> float:
        """SVG y of a value on the left axis."""
        x, y, w, h = self.plot
        return y + h - (value - self.vmin) / (self.vmax - self.vmin) * h

    def x_of(self, index: int) -> float:
        """Centre of category `index`'s band."""
        return self.plot[0] + (index + 0.5) * self.band


def label_reach(text: str, angle: float) -> float:
    """How far left of its anchor a label rotated by `angle` reaches (text hangs below
    its baseline, so the glyph height adds to it)."""
    radians = math.radians(angle)
    return fmt.text_width(text, LABEL_SIZE) * math.cos(radians) + LABEL_SIZE * math.sin(radians)


def _nice_ticks(low: float, high: float, *, integers: bool, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, math.ceil(step))
    first = math.floor(low / step) * step
    last = math.ceil(high / step) * step
    n = round((last - first) / step)
    return [round(first + i * step, 10) for i in range(n + 1)]


def _layout(chart: Chart, width: float, height: float) -> Layout:
    title = fmt.text(chart.title, chart.title_args)
    categories = [fmt.text(str(c)) for c in chart.categories]
    series = [
        (fmt.text(s.name), list(s.values) + [None] * (len(categories) - len(s.values)), "")
        for s in chart.series
    ]
    series = [
        (name, values[: len(categories)], PALETTE[i % len(PALETTE)])
        for i, (name, values, _c) in enumerate(series)
    ]
    layout = Layout(width, height, chart.kind, chart.unit, title, categories, series)
    numbers = [v for _n, values, _c in series for v in values if v is not None]
    if not categories or not numbers or (chart.kind in ("pie", "pareto") and sum(numbers) <= 0):
        layout.empty = True
        return layout
    if chart.kind == "pie":
        return _pie(layout)
    if chart.kind == "pareto":
        _pareto(layout)
    return _axes(layout)


def _pareto(layout: Layout) -> None:
    name, values, colour = layout.series[0]
    order = sorted(range(len(values)), key=lambda i: -(values[i] or 0))  # stable on ties
    layout.categories = [layout.categories[i] for i in order]
    values = [values[i] or 0 for i in order]
    layout.series = [(name, values, colour)]
    total, running = sum(values), 0.0
    for v in values:
        running += v
        layout.cumulative.append(running / total)


def _tick_labels(ticks: list[float], unit: str) -> list[str]:
    """Tick labels with as many decimals as it takes to tell them apart (95.5 %, 96 %)."""
    for decimals in range(4):
        labels = [fmt.axis_value(t, unit, decimals) for t in ticks]
        if len(set(labels)) == len(labels):
            return labels
    return labels


def _axes(layout: Layout) -> Layout:
    numbers = [v for _n, values, _c in layout.series for v in values if v is not None]
    integers = layout.unit == "count" and all(float(v).is_integer() for v in numbers)
    low, high = min(0, min(numbers)), max(0, max(numbers))
    if (
        layout.kind == "line"
        and min(numbers) > 0
        and max(numbers) - min(numbers) < max(numbers) / 2
    ):
        # A trend of values close together (a response rate of 95–100 %) would be a flat
        # line on a zero-based axis; a line (unlike a bar) reads correctly without zero.
        low = min(numbers)
    layout.ticks = _nice_ticks(low, high, integers=integers)
    layout.vmin, layout.vmax = layout.ticks[0], layout.ticks[-1]
    layout.tick_labels = _tick_labels(layout.ticks, layout.unit)
    tick_width = max(fmt.text_width(label, LABEL_SIZE) for label in layout.tick_labels)
    top = TITLE_SIZE + 10
    if len(layout.series) > 1 or layout.cumulative:
        top += LABEL_SIZE + 10  # legend row
    left = tick_width + 8
    right = 10.0
    if layout.cumulative:
        layout.right_ticks = [0, 0.25, 0.5, 0.75, 1.0]
        right = fmt.text_width("100%", LABEL_SIZE) + 8
    n = len(layout.categories)
    band = (layout.width - left - right) / n
    widest = max(fmt.text_width(c, LABEL_SIZE) for c in layout.categories)
    # Horizontal labels when they fit their band (or every second band); otherwise 45°,
    # thinned so that neighbouring parallel labels are at least one line apart.
    step = math.ceil((widest + 4) / band)
    if step <= 2:
        angle, labels = 0.0, layout.categories
        bottom = LABEL_SIZE + 8
    else:
        angle = 45.0
        labels = [fmt.shorten(c, LABEL_SIZE, MAX_LABEL) for c in layout.categories]
        sin = cos = math.sin(math.radians(angle))
        longest = max(fmt.text_width(c, LABEL_SIZE) for c in labels)
        bottom = longest * sin + LABEL_SIZE * cos + 12
        for _round in range(2):  # a wider left margin narrows the bands: settle twice
            step = max(1, math.ceil(LABEL_SIZE * 1.25 / (band * sin)))
            # Rotated labels hang left of their band: room so the first ones stay inside.
            needed = max(
                label_reach(labels[i], angle) - (i + 0.5) * band for i in range(0, n, step)
            )
            left = max(left, needed + 2)
            band = (layout.width - left - right) / n
        step = max(1, math.ceil(LABEL_SIZE * 1.25 / (band * sin)))
    plot_h = max(layout.height - top - bottom, 40.0)
    layout.plot = (left, top, layout.width - left - right, plot_h)
    layout.band, layout.label_step = band, step
    base_y = top + plot_h + (LABEL_SIZE + 3 if angle == 0 else 4)
    layout.x_labels = [XLabel(layout.x_of(i), base_y, labels[i], angle) for i in range(0, n, step)]
    if len(layout.series) > 1 or layout.cumulative:
        entries = [(name, colour) for name, _v, colour in layout.series]
        if layout.cumulative:
            entries.append((_("Cumulative %"), CUMULATIVE_COLOUR))
        x = left
        for text, colour in entries:
            layout.legend.append((text, colour, x, TITLE_SIZE + 16))
            x += fmt.text_width(text, LABEL_SIZE) + 24
    return layout


def _pie(layout: Layout) -> Layout:
    values = [max(v or 0, 0) for v in layout.series[0][1]]
    pairs = sorted(zip(layout.categories, values, strict=True), key=lambda p: -p[1])
    if len(pairs) > PIE_SLICES:
        rest = sum(v for _c, v in pairs[PIE_SLICES - 1 :])
        pairs = pairs[: PIE_SLICES - 1] + [(_("Other"), rest)]
    pairs = [(c, v) for c, v in pairs if v > 0]
    total = sum(v for _c, v in pairs)
    top = TITLE_SIZE + 12
    radius = max(min(layout.height - top - 8, layout.width * 0.45) / 2, 20)
    layout.centre = (radius + 12, top + radius)
    layout.radius = radius
    angle = 0.0
    legend_x = layout.centre[0] + radius + 20
    row = LABEL_SIZE + 6
    legend_y = layout.centre[1] - row * len(pairs) / 2 + LABEL_SIZE
    room = layout.width - legend_x - 14
    for i, (category, v) in enumerate(pairs):
        share = v / total
        colour = PALETTE[i % len(PALETTE)]
        layout.slices.append(Slice(category, v, share, colour, angle, angle + share * 2 * math.pi))
        angle += share * 2 * math.pi
        text = f"{category}  {fmt.value(v, layout.unit)} ({share * 100:.1f} %)"
        layout.legend.append(
            (fmt.shorten(text, LABEL_SIZE, room), colour, legend_x, legend_y + i * row)
        )
    return layout


# --- SVG ------------------------------------------------------------------------------


def _id(chart: Chart) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in chart.key)


def chart_svg(
    chart: Chart, *, width: float = 640, height: float = 320, id_suffix: str = ""
) -> SafeString:
    """The chart as inline, accessible SVG (no script): its name is the translated title,
    its description the data table `table-<chart.table>` when the chart names one.
    `id_suffix` keeps ids unique when one chart is drawn twice on a page (wide, narrow)."""
    layout = _layout(chart, width, height)
    cid = escape(_id(chart) + id_suffix)
    described = f' aria-describedby="table-{escape(chart.table)}"' if chart.table else ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width:g} {height:g}" width="100%" style="max-width:{width:g}px" '
        f'aria-labelledby="{cid}-title"{described} font-family="system-ui, sans-serif">',
        f'<title id="{cid}-title">{escape(layout.title)}</title>',
        f'<text x="{width / 2:g}" y="{TITLE_SIZE + 2:g}" text-anchor="middle" '
        f'font-size="{TITLE_SIZE:g}" font-weight="bold">{escape(layout.title)}</text>',
    ]
    if layout.empty:
        out.append(
            f'<text x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle" '
            f'font-size="{LABEL_SIZE + 2:g}" fill="{AXIS_COLOUR}">{escape(_("No data"))}</text>'
        )
    elif layout.kind == "pie":
        out.extend(_svg_pie(layout))
    else:
        out.extend(_svg_axes(layout))
    for text, colour, x, y in layout.legend:
        out.append(
            f'<rect x="{x:.1f}" y="{y - LABEL_SIZE + 1:.1f}" width="10" height="{LABEL_SIZE:g}" '
            f'fill="{colour}"/><text x="{x + 14:.1f}" y="{y:.1f}" font-size="{LABEL_SIZE:g}">'
            f"{escape(text)}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above went through escape())


def _svg_axes(layout: Layout) -> list[str]:
    x0, y0, w, h = layout.plot
    out = []
    for tick, text in zip(layout.ticks, layout.tick_labels, strict=True):
        y = layout.y_of(tick)
        out.append(
            f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x0 + w:.1f}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{x0 - 4:.1f}" y="{y + 3:.1f}" text-anchor="end" font-size="{LABEL_SIZE:g}" '
            f'fill="{AXIS_COLOUR}">{escape(text)}</text>'
        )
    for tick in layout.right_ticks:
        y = y0 + h - tick * h
        out.append(
            f'<text x="{x0 + w + 4:.1f}" y="{y + 3:.1f}" font-size="{LABEL_SIZE:g}" '
            f'fill="{CUMULATIVE_COLOUR}">{tick * 100:.0f}%</text>'
        )
    zero = layout.y_of(max(layout.vmin, 0))
    if layout.kind in ("bar", "pareto"):
        group = layout.band * 0.7
        bar = group / len(layout.series)
        for s, (name, values, colour) in enumerate(layout.series):
            for i, v in enumerate(values):
                if v is None:
                    continue
                x = x0 + i * layout.band + layout.band * 0.15 + s * bar
                y = layout.y_of(v)
                out.append(
                    f'<rect x="{x:.2f}" y="{min(y, zero):.2f}" width="{bar:.2f}" '
                    f'height="{abs(zero - y):.2f}" fill="{colour}"><title>'
                    f"{escape(layout.categories[i])} · {escape(name)}: "
                    f"{escape(fmt.value(v, layout.unit))}</title></rect>"
                )
    else:
        for name, values, colour in layout.series:
            for segment in _segments(values):
                points = " ".join(f"{layout.x_of(i):.2f},{layout.y_of(v):.2f}" for i, v in segment)
                out.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
                for i, v in segment:
                    out.append(
                        f'<circle cx="{layout.x_of(i):.2f}" cy="{layout.y_of(v):.2f}" r="2.5" '
                        f'fill="{colour}"><title>{escape(layout.categories[i])} · {escape(name)}: '
                        f"{escape(fmt.value(v, layout.unit))}</title></circle>"
                    )
    if layout.cumulative:
        points = " ".join(
            f"{layout.x_of(i):.2f},{y0 + h - c * h:.2f}" for i, c in enumerate(layout.cumulative)
        )
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{CUMULATIVE_COLOUR}" stroke-width="1.5"/>'
        )
    out.append(
        f'<line x1="{x0:.1f}" y1="{zero:.1f}" x2="{x0 + w:.1f}" y2="{zero:.1f}" stroke="{AXIS_COLOUR}"/>'
    )
    for label in layout.x_labels:
        if label.angle:
            out.append(
                f'<text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="end" '
                f'dominant-baseline="hanging" font-size="{LABEL_SIZE:g}" '
                f'transform="rotate(-{label.angle:g} {label.x:.1f} {label.y:.1f})">'
                f"{escape(label.text)}</text>"
            )
        else:
            out.append(
                f'<text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="middle" '
                f'font-size="{LABEL_SIZE:g}">{escape(label.text)}</text>'
            )
    return out


def _segments(values):
    """Runs of consecutive values without a gap: a missing month breaks the line."""
    run = []
    for i, v in enumerate(values):
        if v is None:
            if run:
                yield run
            run = []
        else:
            run.append((i, v))
    if run:
        yield run


def _svg_pie(layout: Layout) -> list[str]:
    cx, cy = layout.centre
    r = layout.radius
    out = []
    for s in layout.slices:
        tip = (
            f"{escape(s.label)}: {escape(fmt.value(s.value, layout.unit))} ({s.share * 100:.1f} %)"
        )
        if s.share >= 0.9999:
            out.append(
                f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{r:.2f}" fill="{s.colour}"><title>{tip}</title></circle>'
            )
            continue
        x1, y1 = cx + r * math.sin(s.start), cy - r * math.cos(s.start)
        x2, y2 = cx + r * math.sin(s.end), cy - r * math.cos(s.end)
        large = 1 if s.end - s.start > math.pi else 0
        out.append(
            f'<path d="M{cx:.2f},{cy:.2f} L{x1:.2f},{y1:.2f} A{r:.2f},{r:.2f} 0 {large} 1 '
            f'{x2:.2f},{y2:.2f} Z" fill="{s.colour}" stroke="#fff"><title>{tip}</title></path>'
        )
    return out


# --- reportlab ------------------------------------------------------------------------


def chart_drawing(chart: Chart, *, width: float, height: float):
    """The chart as a reportlab Drawing (a platypus flowable), laid out like the SVG."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib.colors import HexColor

    from itsm.pdf import cjk_font

    font = cjk_font()
    layout = _layout(chart, width, height)
    drawing = Drawing(width, height)
    drawing.add(
        String(width / 2, height - TITLE_SIZE - 2, layout.title, fontName=font,
               fontSize=TITLE_SIZE, textAnchor="middle")
    )  # fmt: skip
    if layout.empty:
        drawing.add(
            String(width / 2, height / 2, _("No data"), fontName=font, fontSize=LABEL_SIZE + 2,
                   textAnchor="middle", fillColor=HexColor(AXIS_COLOUR))
        )  # fmt: skip
        return drawing
    if layout.kind == "pie":
        pie = Pie()
        cx, cy = layout.centre
        pie.x, pie.y = cx - layout.radius, height - cy - layout.radius
        pie.width = pie.height = 2 * layout.radius
        pie.data = [s.value for s in layout.slices]
        pie.labels = None
        pie.startAngle, pie.direction = 90, "clockwise"
        pie.slices.strokeColor = HexColor("#ffffff")
        for i, s in enumerate(layout.slices):
            pie.slices[i].fillColor = HexColor(s.colour)
        drawing.add(pie)
    else:
        x0, y0, w, h = layout.plot
        bottom = height - y0 - h
        labels = [""] * len(layout.categories)
        for label in layout.x_labels:
            labels[round((label.x - x0) / layout.band - 0.5)] = label.text
        data = [list(values) for _n, values, _c in layout.series]
        if layout.kind in ("bar", "pareto"):
            plot = VerticalBarChart()
            plot.barWidth, plot.groupSpacing = 7, 3
            plot.data = [[0 if v is None else v for v in row] for row in data]
            for i, (_n, _v, colour) in enumerate(layout.series):
                plot.bars[i].fillColor = HexColor(colour)
                plot.bars[i].strokeColor = None
        else:
            plot = HorizontalLineChart()
            plot.data = data
            plot.joinedLines = 1
            for i, (_n, _v, colour) in enumerate(layout.series):
                plot.lines[i].strokeColor = HexColor(colour)
                plot.lines[i].strokeWidth = 1.5
        plot.x, plot.y, plot.width, plot.height = x0, bottom, w, h
        _value_axis(plot.valueAxis, layout, font)
        plot.valueAxis.visibleGrid = 1
        plot.valueAxis.gridStrokeColor = HexColor(GRID_COLOUR)
        axis = plot.categoryAxis
        axis.categoryNames = labels
        axis.labels.fontName, axis.labels.fontSize = font, LABEL_SIZE
        axis.strokeColor = HexColor(AXIS_COLOUR)
        axis.visibleTicks = 0
        if layout.x_labels and layout.x_labels[0].angle:
            axis.labels.angle, axis.labels.boxAnchor = layout.x_labels[0].angle, "ne"
            axis.labels.dx, axis.labels.dy = 0, -2
        else:
            axis.labels.boxAnchor, axis.labels.dy = "n", -3
        drawing.add(plot)
        if layout.cumulative:
            line = HorizontalLineChart()
            line.x, line.y, line.width, line.height = x0, bottom, w, h
            line.data = [layout.cumulative]
            line.lines[0].strokeColor = HexColor(CUMULATIVE_COLOUR)
            line.lines[0].strokeWidth = 1.2
            line.valueAxis.valueMin, line.valueAxis.valueMax = 0, 1
            line.valueAxis.visible = 0
            line.categoryAxis.visible = 0
            line.categoryAxis.categoryNames = [""] * len(layout.categories)
            drawing.add(line)
            for tick in layout.right_ticks:
                drawing.add(
                    String(x0 + w + 4, bottom + tick * h - 3, f"{tick * 100:.0f}%", fontName=font,
                           fontSize=LABEL_SIZE, fillColor=HexColor(CUMULATIVE_COLOUR))
                )  # fmt: skip
            drawing.add(Line(x0 + w, bottom, x0 + w, bottom + h, strokeColor=HexColor(AXIS_COLOUR)))
    for text, colour, x, y in layout.legend:
        drawing.add(
            Rect(x, height - y - 1, 10, LABEL_SIZE, fillColor=HexColor(colour), strokeColor=None)
        )
        drawing.add(String(x + 14, height - y, text, fontName=font, fontSize=LABEL_SIZE))
    return drawing


def _value_axis(axis, layout: Layout, font: str):
    axis.valueMin, axis.valueMax = layout.vmin, layout.vmax
    axis.valueSteps = layout.ticks
    labels = dict(zip(layout.ticks, layout.tick_labels, strict=True))
    axis.labelTextFormat = lambda v: labels.get(v) or fmt.axis_value(v, layout.unit)
    axis.labels.fontName, axis.labels.fontSize = font, LABEL_SIZE
    axis.strokeColor = None
