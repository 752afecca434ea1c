"""PDFs: the approved report (archived) and the printable route sheet for a paper round.

Both embed the CJK TrueType font the CMDB's labels register (cmdb.labels), so Chinese
shows in any viewer.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from itsm.pdf import cjk_font

MARGIN = 15 * mm


class _Writer:
    """A few lines of text at a time, wrapping by width and turning pages."""

    def __init__(self, title: str):
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4)
        self.canvas.setTitle(title)
        self.font = cjk_font()
        self.y = A4[1] - MARGIN

    def need(self, height):
        if self.y - height < MARGIN:
            self.canvas.showPage()
            self.y = A4[1] - MARGIN

    def line(self, text: str, size: float = 10, indent: float = 0):
        width = A4[0] - 2 * MARGIN - indent
        for part in _wrap(str(text), self.font, size, width):
            self.need(size * 1.5)
            self.canvas.setFont(self.font, size)
            self.canvas.drawString(MARGIN + indent, self.y - size, part)
            self.y -= size * 1.5

    def gap(self, height=4):
        self.y -= height

    def finish(self) -> bytes:
        self.canvas.save()
        return self.buffer.getvalue()


def _wrap(text, font, size, width):
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for char in paragraph:
            if stringWidth(current + char, font, size) > width:
                out.append(current)
                current = char
            else:
                current += char
        out.append(current)
    return out


def report_pdf(report) -> bytes:
    """巡检报告 with its figures, evaluation, suggestions and signatures."""
    from .selectors import report_figures

    plan = report.plan
    figures = report.figures or report_figures(plan=plan)
    w = _Writer(report.number)
    w.line(_("Inspection report") + f" 巡检报告  {report.number}", 16)
    w.line(f"{plan.number} {plan.title} ({plan.period:%Y-%m})", 11)
    w.gap(6)
    w.line(
        _("Devices inspected: %(done)s of %(scope)s; records: %(records)s; failed items: %(f)s")
        % {
            "done": figures.get("inspected", 0),
            "scope": figures.get("in_scope", 0),
            "records": figures.get("records", 0),
            "f": figures.get("failures", 0),
        }
    )
    for label, key in (
        (_("Failures by item"), "failures_by_item"),
        (_("Failures by location"), "failures_by_location"),
    ):
        rows = figures.get(key) or []
        if rows:
            w.line(label, 11)
            for name, count in rows:
                w.line(f"{name}: {count}", 9, 10)
    for label, key in (
        (_("Work orders raised"), "work_orders"),
        (_("Devices not reached"), "not_reached"),
        (_("Devices added on site"), "added_on_site"),
        (_("Devices found in the wrong room"), "wrong_room"),
        (_("Unknown tags scanned"), "unknown_tags"),
    ):
        rows = figures.get(key) or []
        w.line(f"{label}: {len(rows)}", 11)
        for row in rows[:50]:
            w.line(str(row), 9, 10)
    d = figures.get("discrepancies") or {}
    w.line(
        _(
            "Configuration discrepancies: %(open)s open, %(accepted)s accepted, %(rejected)s rejected"
        )
        % {k: d.get(k, 0) for k in ("open", "accepted", "rejected")},
        11,
    )
    w.gap(6)
    w.line(_("Evaluation"), 12)
    w.line(report.evaluation or "—", 10, 10)
    w.line(_("Suggestions"), 12)
    w.line(report.suggestions or "—", 10, 10)
    w.gap(6)
    w.line(_("Approvals"), 12)
    for approval in report.approvals.select_related("approver__person"):
        name = getattr(getattr(approval.approver, "person", None), "name", "") or approval.approver
        w.line(
            f"{approval.get_step_display()} · {approval.get_decision_display()} · {name} · "
            f"{timezone.localtime(approval.decided_at):%Y-%m-%d %H:%M} {approval.comment}",
            9,
            10,
        )
    return w.finish()


QR_SIZE = 22 * mm
BOX = 3.2 * mm


def route_sheet_pdf(round, entries, checklists) -> bytes:
    """The printed round: devices by room, a QR code of each asset tag, tick boxes for
    each checklist item (pass / fail / n.a.) and space for a note."""
    w = _Writer(str(round))
    c = w.canvas
    w.line(_("Inspection route sheet") + f" 巡检路线单  {round.plan.number}", 14)
    w.line(f"{round} · {getattr(getattr(round.engineer, 'person', None), 'name', '') or ''}", 10)
    w.line(_("Tick ✓ pass, ✗ fail, — not applicable; write a note for each failure."), 8)
    w.gap(4)
    for entry in entries:
        ci = entry.ci
        items = checklists.get(ci.ci_class_id, {}).get("items", [])
        height = max(QR_SIZE + 4 * mm, 10 * mm + len(items) * 4.6 * mm)
        w.need(height)
        top = w.y
        widget = QrCodeWidget(ci.asset_tag)
        x1, y1, x2, y2 = widget.getBounds()
        drawing = Drawing(
            QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x2 - x1), 0, 0, QR_SIZE / (y2 - y1), 0, 0]
        )
        drawing.add(widget)
        renderPDF.draw(drawing, c, MARGIN, top - QR_SIZE)
        text_x = MARGIN + QR_SIZE + 4 * mm
        c.setFont(w.font, 10)
        room = ci.location.room if ci.location_id else ""
        c.drawString(text_x, top - 4 * mm, f"{ci.asset_tag}  {ci.name[:40]}  {room}")
        c.setFont(w.font, 8)
        y = top - 9 * mm
        for item in items:
            for n in range(3):
                c.rect(text_x + n * (BOX + 1.5 * mm), y - 0.5 * mm, BOX, BOX)
            c.drawString(text_x + 3 * (BOX + 1.5 * mm) + 2 * mm, y, item["text"][:60])
            y -= 4.6 * mm
        w.y = min(top - QR_SIZE - 3 * mm, y - 1 * mm)
        c.line(MARGIN, w.y, A4[0] - MARGIN, w.y)
        w.y -= 3 * mm
    return w.finish()
