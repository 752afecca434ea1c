"""A report's numbers as CSV (one table) and xlsx (every figure and every table), in the
active language, with formula-looking text neutralised (cmdb.tabular's helpers, shared by
every CSV/xlsx export of the portal).

Numbers stay numbers: a spreadsheet user sums them. Percent values are ratios in the
report; the CSV writes them as percentages (97.3 under a "… (%)" header) and the xlsx as
ratios with a % format, so both read as on the page.
"""

from __future__ import annotations

import io
import re

from django.utils import translation
from django.utils.translation import gettext as _

from cmdb.tabular import csv_stream, is_formula_like

from . import formatting as fmt
from .definitions import Document, Table

NUMBER_FORMATS = {
    "percent": "0.0%",
    "hours": "0.0",
    "days": "0.0",
    "minutes": "0",
    "money": "¥#,##0.00",
    "rating": "0.00",
    "count": "#,##0",
}


def _header(label: str, unit: str) -> str:
    return f"{fmt.text(label)} (%)" if unit == "percent" else fmt.text(label)


def table_csv(table: Table) -> str:
    """The table as CSV text (UTF-8 BOM first, so Excel reads Chinese), headers translated."""
    headers = [_header(c.label, c.unit) for c in table.columns]

    def cell(value, unit):
        if unit == "percent" and isinstance(value, int | float) and not isinstance(value, bool):
            return round(value * 100, 2)
        return "" if value is None else value

    rows = (
        [cell(v, c.unit) for v, c in zip(row, table.columns, strict=False)] for row in table.rows
    )
    return "".join(csv_stream(headers, rows))


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    """≤ 31 characters, none of []:*?/\\, unique ignoring case (as Excel requires)."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Sheet"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def document_xlsx(document: Document, *, language: str | None = None) -> bytes:
    """A workbook: "Figures" (every figure with definition, target and result), then one
    sheet per table. Header rows bold and frozen. `language` defaults to the active one."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    with translation.override(language or translation.get_language()):
        workbook = Workbook(write_only=True)
        workbook.properties.title = f"{fmt.text(document.title)} {document.period_slug}"
        workbook.properties.creator = document.client_name
        bold = Font(bold=True)
        taken: set[str] = set()

        def cell(sheet, value, unit="text", header=False):
            if isinstance(value, int | float) and not isinstance(value, bool):
                c = WriteOnlyCell(sheet, value=value)
                c.number_format = NUMBER_FORMATS.get(unit, "General")
                return c
            text = "" if value is None else str(value)
            c = WriteOnlyCell(sheet, value=text)
            c.data_type = "s"  # never a formula, whatever it starts with
            if is_formula_like(text):
                c.quotePrefix = True
            if header:
                c.font = bold
            return c

        def sheet(title, headers, widths):
            ws = workbook.create_sheet(_sheet_name(title, taken))
            ws.freeze_panes = "A2"
            for letter, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", widths, strict=False):
                ws.column_dimensions[letter].width = width
            ws.append([cell(ws, h, header=True) for h in headers])
            return ws

        figures = sheet(
            _("Figures"),
            [_("Section"), _("Figure"), _("Value"), _("Shown as"), _("Target"), _("Result"),
             _("Counted records"), _("Base records"), _("Definition")],
            [24, 36, 12, 14, 18, 10, 10, 10, 80],
        )  # fmt: skip
        for section in document.sections:
            for f in section.figures:
                figures.append(
                    [
                        cell(figures, fmt.text(section.title)),
                        cell(figures, fmt.text(f.label, f.label_args)),
                        cell(figures, f.value, f.unit),
                        cell(figures, fmt.value(f.value, f.unit)),
                        cell(figures, fmt.target(f.target, f.unit)),
                        cell(figures, fmt.met(f.met)),
                        cell(figures, f.count, "count"),
                        cell(figures, f.base, "count"),
                        cell(figures, fmt.text(f.definition) if f.definition else ""),
                    ]
                )
        for section in document.sections:
            for table in section.tables:
                ws = sheet(
                    fmt.text(table.title, table.title_args),
                    [fmt.text(c.label) for c in table.columns],
                    [12 if c.unit != "text" else 28 for c in table.columns],
                )
                for row in table.rows:
                    ws.append(
                        [cell(ws, v, c.unit) for v, c in zip(row, table.columns, strict=False)]
                    )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
