"""PDFs of the process: the vendor work order (mailed to the vendor) and the gate pass (出门单).

The CJK TrueType font from settings.ITSM["PDF_FONT_PATH"] is embedded (a subset) so the
Chinese shows in any viewer (see NOTES.md: reportlab's CID fonts are not embedded).
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from itsm.pdf import cjk_font


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines = []
    for paragraph in (text or "").splitlines() or [""]:
        line = ""
        for char in paragraph:
            if pdfmetrics.stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _table(canvas, font, rows, *, x, y, label_width, width, size=10, leading=15):
    for label, value in rows:
        canvas.setFont(font, size)
        canvas.drawString(x, y, str(label))
        for line in _wrap(str(value or ""), font, size, width - label_width):
            canvas.drawString(x + label_width, y, line)
            y -= leading
        canvas.setLineWidth(0.3)
        canvas.line(x, y + leading - 4, x + width, y + leading - 4)
        y -= 4
    return y


def vendor_order_pdf(order) -> bytes:
    """The 维修商服务工作单 as the vendor receives it, with space to sign for it."""
    font = cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    width, height = A4
    canvas.setTitle(order.number)
    canvas.setFont(font, 16)
    canvas.drawCentredString(
        width / 2, height - 25 * mm, _("Vendor work order") + "  维修商服务工作单"
    )
    canvas.setFont(font, 10)
    canvas.drawRightString(width - 20 * mm, height - 33 * mm, order.number)
    rows = [
        (_("Vendor"), order.vendor),
        (_("Work order"), order.work_order.number),
        (_("Product"), order.product),
        (_("Problem description"), order.problem_description),
        (_("Problem type"), order.get_problem_type_display()),
        (_("Priority"), order.priority),
        (_("Service level"), order.service_level),
        (_("Service requirements"), order.requirements),
        (_("Required by"), order.required_by or ""),
        (_("Engineer"), getattr(getattr(order.engineer, "person", None), "name", order.engineer)),
        (
            _("Approved by"),
            getattr(getattr(order.reviewed_by, "person", None), "name", "")
            if order.reviewed_by
            else "",
        ),
        (_("Sent at"), _local(order.sent_at)),
    ]
    y = _table(canvas, font, rows, x=20 * mm, y=height - 45 * mm, label_width=35 * mm,
               width=width - 40 * mm)  # fmt: skip
    y -= 10 * mm
    canvas.setFont(font, 10)
    for label in (_("Handling"), _("Advice"), _("Result")):
        canvas.drawString(20 * mm, y, label + ":")
        y -= 22 * mm
    canvas.drawString(20 * mm, y, _("Signed for by the vendor (name, date):"))
    canvas.drawString(110 * mm, y, _("Client's confirmation (name, date):"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def gate_pass_pdf(repair) -> bytes:
    """The 出门单: which device leaves, who carries it, where to and when it is due back."""
    font = cjk_font()
    buffer = io.BytesIO()
    size = landscape(A5)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1)
    width, height = size
    canvas.setTitle(repair.number)
    canvas.setFont(font, 16)
    canvas.drawCentredString(width / 2, height - 18 * mm, _("Gate pass") + "  出门单")
    canvas.setFont(font, 9)
    canvas.drawRightString(width - 15 * mm, height - 25 * mm, repair.number)
    device = repair.device
    due = repair.due_on or repair.planned_send_on
    rows = [
        (
            _("Device"),
            f"{device.asset_tag} {device.name}".strip() if hasattr(device, "asset_tag") else device,
        ),
        (_("Serial number"), getattr(device, "serial_number", "")),
        (_("Work order"), repair.work_order.number),
        (_("Repair point"), f"{repair.vendor.name} · {repair.repair_point}"),
        (_("Carried by"), getattr(getattr(repair.carrier, "person", None), "name", repair.carrier)),
        (
            _("Leaving on"),
            timezone.localdate(repair.sent_at) if repair.sent_at else repair.planned_send_on,
        ),
        (_("Due back"), due),
        (
            _("Data security"),
            f"{repair.get_data_handling_display()} {repair.data_record} {repair.consent_by}".strip(),
        ),
    ]
    y = _table(canvas, font, rows, x=15 * mm, y=height - 35 * mm, label_width=30 * mm,
               width=width - 30 * mm)  # fmt: skip
    y -= 8 * mm
    canvas.setFont(font, 10)
    canvas.drawString(15 * mm, y, _("Issued by:"))
    canvas.drawString(80 * mm, y, _("Guard:"))
    canvas.drawString(140 * mm, y, _("Date:"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
