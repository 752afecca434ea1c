"""The printed 运行服务单: what was done on site, the parts, the times, and the sign lines
of its three parties (the desk that took the request, the engineer, the served user).

The engineer takes it along when the user cannot reach the portal: the user signs it and
the engineer records the signature (`service_record_confirm_paper`). The CJK font is
embedded (itsm.pdf), so the Chinese shows in any viewer.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
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


def _name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


def service_record_pdf(record, parts) -> bytes:
    """One A4 page (more when the text is long): the record and three sign lines."""
    font = cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    canvas.setTitle(record.number)
    canvas.setFont(font, 16)
    canvas.drawCentredString(width / 2, height - 25 * mm, "运行服务单  " + _("Service record"))
    canvas.setFont(font, 10)
    canvas.drawRightString(right, height - 33 * mm, record.number)
    order = record.work_order
    part_lines = [
        f"{p.number} {p.stock.part_type} × {p.quantity} ({p.get_status_display()})" for p in parts
    ]
    if record.parts_used:
        part_lines.append(record.parts_used)
    rows = [
        (_("Work order"), f"{order.number} {order.title}"),
        (_("Served user"), f"{_name(order.requester)} {order.contact_phone}".strip()),
        (_("Department"), order.department.name if order.department_id else ""),
        (_("Location"), str(order.location) if order.location_id else ""),
        (
            _("Device"),
            f"{order.device.asset_tag} {order.device.name}" if order.device_id else "",
        ),
        (_("Service type"), order.get_service_type_display() or _("not recorded")),
        (_("Response mode"), order.get_response_mode_display() or _("not recorded")),
        (_("Engineer"), _name(record.engineer)),
        (
            _("Time on site"),
            _("%(arrived)s to %(left)s (%(minutes)d min)")
            % {
                "arrived": _local(record.arrived_at),
                "left": _local(record.left_at),
                "minutes": record.minutes_on_site,
            },
        ),
        (_("Work done"), record.work_done),
        (_("Parts used"), "\n".join(part_lines) or _("none")),
        (
            _("User's confirmation"),
            f"{record.get_confirmation_method_display()} {_local(record.confirmed_at)} "
            f"{record.confirmation_note}".strip()
            if record.confirmed_at
            else "",
        ),
        (
            _("Desk's review"),
            f"{record.get_status_display()} {_name(record.reviewed_by)} "
            f"{_local(record.reviewed_at)} {record.return_reason}".strip(),
        ),
    ]
    y = height - 45 * mm
    label_width, size, leading = 35 * mm, 10, 15
    for label, value in rows:
        lines = _wrap(str(value or ""), font, size, right - left - label_width)
        if y - leading * len(lines) < 50 * mm:
            canvas.showPage()
            y = height - 25 * mm
        canvas.setFont(font, size)
        canvas.drawString(left, y, str(label))
        for line in lines:
            canvas.drawString(left + label_width, y, line)
            y -= leading
        canvas.setLineWidth(0.3)
        canvas.line(left, y + leading - 4, right, y + leading - 4)
        y -= 4
    # The three parties sign: whoever took the request, the engineer, the served user.
    y = min(y - 15 * mm, 40 * mm)
    canvas.setFont(font, 10)
    third = (right - left) / 3
    for i, label in enumerate(
        (_("Service desk (taken by)"), _("Engineer"), _("Served user (signature)"))
    ):
        x = left + i * third
        canvas.drawString(x, y, label + ":")
        canvas.line(x, y - 10 * mm, x + third - 8 * mm, y - 10 * mm)
        canvas.drawString(x, y - 15 * mm, _("Date:"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
