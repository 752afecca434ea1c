"""The monthly virus statistics report (病毒处理服务统计分析报告) as a PDF.

The CJK TrueType font from settings.ITSM["PDF_FONT_PATH"] is embedded (a subset), as for
the CMDB labels: reportlab's built-in CID fonts are not embedded and show blanks.
"""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from itsm.pdf import cjk_font


def _table(rows, widths):
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), cjk_font(), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _pct(value) -> str:
    return "-" if value is None else f"{value} %"


def statistics_pdf(stats: dict) -> bytes:
    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=6)
    heading = ParagraphStyle(
        "heading", fontName=font, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4
    )
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm
    )
    story = [
        Paragraph(
            _("Virus handling statistics %(year)s-%(month)02d")
            % {"year": stats["year"], "month": stats["month"]},
            title,
        ),
        Paragraph(settings.ITSM.get("CLIENT_NAME") or settings.ITSM.get("SITE_NAME", ""), body),
        Paragraph(_("Protection"), heading),
        _table(
            [
                [_("Figure"), _("Value")],
                [_("Computers"), stats["endpoints"]],
                [_("With antivirus"), f"{stats['protected']} ({_pct(stats['coverage_percent'])})"],
                [_("Signatures current"), f"{stats['current']} ({_pct(stats['current_percent'])})"],
                [_("Signature or engine behind"), stats["stale"]],
                [_("Not reporting"), stats["not_reporting"]],
                [_("No antivirus"), stats["unprotected"]],
            ],
            [90 * mm, 60 * mm],
        ),
        Paragraph(_("Virus events"), heading),
        _table(
            [
                [_("Figure"), _("Value")],
                [_("Events"), stats["events"]],
                [_("Cleaned, quarantined, deleted or blocked"), stats["resolved"]],
                [_("Not resolved"), stats["unresolved"]],
                [_("Systems reinstalled"), stats["reinstalled"]],
                [_("Outbreaks"), stats["outbreaks"]],
            ],
            [90 * mm, 60 * mm],
        ),
        Paragraph(_("By threat"), heading),
        _table(
            [[_("Threat"), _("Events"), _("Hosts")]]
            + [
                [Paragraph(row["threat"], body), row["count"], row["hosts"]]
                for row in stats["by_threat"]
            ],
            [100 * mm, 25 * mm, 25 * mm],
        ),
        Paragraph(_("By department"), heading),
        _table(
            [[_("Department"), _("Events"), _("Hosts")]]
            + [
                [row["department"] or _("Not in the CMDB"), row["count"], row["hosts"]]
                for row in stats["by_department"]
            ],
            [100 * mm, 25 * mm, 25 * mm],
        ),
        Paragraph(_("By result"), heading),
        _table(
            [[_("Result"), _("Events")]]
            + [[row["label"], row["count"]] for row in stats["by_result"]],
            [100 * mm, 50 * mm],
        ),
        Paragraph(_("Recommendations"), heading),
    ]
    if stats["recommendations"]:
        for row in stats["recommendations"]:
            story.append(Paragraph(f"{row['week']}: " + _escape(row["text"]), body))
    else:
        story.append(Paragraph(_("None recorded in the weekly evaluations."), body))
    story.append(Spacer(1, 6 * mm))
    doc.build(story)
    return buffer.getvalue()


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text).replace("\n", "<br/>")
