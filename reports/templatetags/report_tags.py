"""`{% load report_tags %}`: frozen report data on a page, formatted as in the PDF.

{{ figure.label|report_text:figure.label_args }}   msgid translated, then %-filled
{{ figure.value|report_value:figure.unit }}        97.3 %, 3.5 h, ¥1,234.00
{{ figure|report_target }}                         ≥ 100.0 %
{{ figure|figure_met }}                            text-danger / text-success / ""
{{ figure.drill.params|drill_query }}              urlencoded parameters
{% report_chart chart %}                           inline SVG (reports.charts)
"""

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from .. import formatting as fmt
from ..charts import chart_svg

register = template.Library()


@register.filter
def report_text(msgid, args=None):
    return fmt.text(msgid, args or None)


@register.filter
def report_value(value, unit="count"):
    return fmt.value(value, unit or "count")


@register.filter
def report_target(figure):
    return fmt.target(figure.target, figure.unit)


@register.filter
def report_met(figure):
    """ "Met" / "Missed" (the word, so a missed target is not told by colour alone)."""
    return fmt.met(figure.met)


@register.filter
def figure_met(figure):
    met = figure.met
    if met is None:
        return ""
    return "text-success" if met else "text-danger fw-semibold"


@register.filter
def count_of_base(figure):
    return fmt.count_of_base(figure.count, figure.base)


@register.filter
def drill_query(params):
    """Drill parameters as a query string; lists repeat the key (?status=a&status=b)."""
    return urlencode(params or {}, doseq=True)


@register.simple_tag
def report_chart(chart, width=640, height=320):
    """The chart twice: laid out for a wide screen and for a phone (fewer, larger labels
    than the wide drawing scaled down to 390 px). CSS shows one; the hidden one is out
    of the accessibility tree too (display: none)."""
    wide = chart_svg(chart, width=width, height=height)
    narrow = chart_svg(chart, width=360, height=300, id_suffix="-narrow")
    return format_html(
        '<div class="d-none d-md-block">{}</div><div class="d-md-none">{}</div>', wide, narrow
    )


@register.filter
def numeric_unit(unit):
    return unit not in ("text", "", None)


@register.filter
def report_rows(table):
    """Rows ready for a template: ([(text, is_number, column label), ...], drill or None)
    per row; the label names the cell when a phone shows the row as a card."""
    units = [c.unit for c in table.columns]
    labels = [fmt.text(c.label) for c in table.columns]
    drills = table.row_drills or []
    return [
        (
            [
                (fmt.value(v, u) if v is not None else "", u != "text", label)
                for v, u, label in zip(row, units, labels, strict=False)
            ],
            drills[i] if i < len(drills) else None,
        )
        for i, row in enumerate(table.rows)
    ]
