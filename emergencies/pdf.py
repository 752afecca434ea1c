"""The 应急流程管理报告 (D0405) as PDF, with the embedded CJK font the label printer uses."""

from io import BytesIO

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from itsm.pdf import cjk_font


def _name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def report_pdf(report, figures) -> bytes:
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=6)
    heading = ParagraphStyle("h", fontName=font, fontSize=11, leading=16, spaceBefore=8)

    def p(text):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), body)

    def table(rows, widths):
        t = Table([[p(c) for c in row] for row in rows], colWidths=widths, repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    story = [
        Paragraph(escape(_("Emergency process report")), title),
        p(
            f"{_('Number')}: {report.number}    {_('Period')}: {report.starts_on} – "
            f"{report.ends_on} ({report.get_period_display()})"
        ),
        Paragraph(escape(_("Emergencies by type")), heading),
        table(
            [[_("Type"), _("Started"), _("Completed")]]
            + [[label, total, done] for label, total, done in figures.by_type]
            + [[_("Total"), figures.total, figures.closed]],
            [80 * mm, 40 * mm, 40 * mm],
        ),
        Paragraph(escape(_("Emergencies")), heading),
        table(
            [[_("Number"), _("Type"), _("Cause and impact"), _("Hours"), _("Resources"), _("Cost")]]
            + [
                [
                    e.number,
                    e.get_type_display(),
                    f"{e.cause or '—'}\n{e.scope}",
                    e.hours,
                    e.resource_total,
                    f"{e.cost_total:.2f}",
                ]
                for e in figures.emergencies
            ],
            [32 * mm, 25 * mm, 60 * mm, 15 * mm, 18 * mm, 22 * mm],
        ),
        Spacer(1, 4 * mm),
        p(
            f"{_('Resource requests')}: {figures.resource_count}  "
            f"({_('purchases')}: {figures.purchase_count})    "
            f"{_('Total cost (yuan)')}: {figures.cost_total:.2f}"
        ),
        Paragraph(escape(_("Problems and suggestions")), heading),
        p(report.problems_and_suggestions or "—"),
        Spacer(1, 8 * mm),
        p(
            f"{_('Reporter')}: {_name(report.reporter)}    "
            f"{_('Service supervisor')}: {_name(report.supervisor) or '____________'}    "
            f"{_('Date')}: "
            + (
                timezone.localtime(report.supervisor_signed_at).strftime("%Y-%m-%d")
                if report.supervisor_signed_at
                else "____________"
            )
        ),
    ]
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=report.number,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    ).build(story)
    return buffer.getvalue()
