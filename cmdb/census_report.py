"""The census report as PDF (counts and discrepancies) and the final asset list as Excel.

The PDF embeds the same CJK TrueType font as the labels (itsm.pdf.cjk_font), so Chinese
shows in every viewer.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from itsm.pdf import cjk_font

from .choices import CensusResult
from .exports import export_columns, export_headers, export_queryset, export_row, licence_cells
from .tabular import xlsx_write


def count_rows(counts: dict) -> list[tuple[str, int]]:
    return [
        (_("Expected"), counts.get("expected", 0)),
        (str(CensusResult.FOUND.label), counts.get("found", 0)),
        (str(CensusResult.MOVED.label), counts.get("moved", 0)),
        (str(CensusResult.CHANGED.label), counts.get("changed", 0)),
        (str(CensusResult.MISSING.label), counts.get("missing", 0)),
        (str(CensusResult.UNEXPECTED.label), counts.get("unexpected", 0)),
        (str(CensusResult.PENDING.label), counts.get("pending", 0)),
    ]


def _where(location) -> str:
    return str(location) if location is not None else ""


def line_cells(line) -> list[str]:
    """Tag, name, result, expected place, observed place / values, note."""
    name = line.item.name if line.item_id else line.observed_name
    observed = [_where(line.observed_location)]
    if line.observed_department_id:
        observed.append(str(line.observed_department))
    if line.observed_responsible_id:
        person = getattr(line.observed_responsible, "person", None)
        observed.append(person.name if person else line.observed_responsible.username)
    return [
        line.tag,
        name,
        line.get_result_display(),
        _where(line.expected_location),
        " / ".join(p for p in observed if p),
        line.note,
    ]


def census_pdf(campaign, counts: dict, discrepancies) -> bytes:
    font = cjk_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Census report %(name)s") % {"name": campaign.name},
        initialFontName=font,
    )
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4 * mm)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    story = [
        Paragraph(escape(_("Census report: %(name)s") % {"name": campaign.name}), title),
        Paragraph(
            escape(
                _("Status: %(status)s · due %(due)s · started %(start)s · closed %(end)s")
                % {
                    "status": campaign.get_status_display(),
                    "due": campaign.due_date.isoformat(),
                    "start": _date(campaign.started_at),
                    "end": _date(campaign.closed_at),
                }
            ),
            body,
        ),
        Paragraph(
            escape(
                _("Scope: %(scope)s")
                % {
                    "scope": "; ".join(
                        [str(d) for d in campaign.departments.all()]
                        + [str(loc) for loc in campaign.locations.all()]
                    )
                    or _("all items")
                }
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    table = Table(
        [[label, str(n)] for label, n in count_rows(counts)], colWidths=[50 * mm, 25 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    headers = [
        _("Asset tag"),
        _("Asset name"),
        _("Result"),
        _("Expected location"),
        _("Found / recorded"),
        _("Note"),
    ]
    rows = [[Paragraph(escape(h), cell) for h in headers]]
    rows += [[Paragraph(escape(str(v)), cell) for v in line_cells(line)] for line in discrepancies]
    if len(rows) == 1:
        story.append(Paragraph(escape(_("No discrepancies.")), body))
    else:
        story.append(Paragraph(escape(_("Discrepancies")), body))
        story.append(Spacer(1, 2 * mm))
        widths = [24 * mm, 38 * mm, 16 * mm, 37 * mm, 37 * mm, 28 * mm]
        detail = Table(rows, colWidths=widths, repeatRows=1)
        detail.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(detail)
    story += [
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Printed %(at)s") % {"at": _date(timezone.now(), time=True)}), body),
    ]
    doc.build(story)
    return buffer.getvalue()


def _date(value, time: bool = False) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local:%Y-%m-%d %H:%M}" if time else f"{local:%Y-%m-%d}"


def final_asset_list_xlsx(target, items, results: dict[int, str]) -> None:
    """The items in the census scope after the census, with each one's census result:
    hardware configuration (class attributes), serials, installed software, the licences
    it uses and where their media and manuals are kept (§3.3.4.1)."""
    columns = export_columns(items)
    headers = [
        *export_headers(columns),
        _("Licences"),
        _("Media and manuals"),
        _("Census result"),
    ]
    rows = (
        [*export_row(ci, columns), *licence_cells(ci), results.get(ci.pk, "")]
        for ci in export_queryset(items).iterator(chunk_size=2000)
    )
    xlsx_write(target, headers, rows, title=_("Final asset list"))
