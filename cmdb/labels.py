"""Asset labels as PDF: one label, or sheets of A4 labels, with a Code128 barcode of the tag.

The CJK TrueType font from settings.ITSM["PDF_FONT_PATH"] is embedded (a subset), so
Chinese shows in any viewer; reportlab's built-in CID fonts are not embedded and render
blank on many (see NOTES.md).
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from itsm.pdf import cjk_font


@dataclass(frozen=True)
class Layout:
    """Label size and how many fit on a page (a single label is its own page)."""

    code: str
    name: str
    width: float
    height: float
    columns: int = 1
    rows: int = 1
    sheet: bool = False


LAYOUTS = {
    layout.code: layout
    for layout in (
        Layout("single", "90 × 55 mm", 90 * mm, 55 * mm),
        Layout("a4-2x5", "A4 2 × 5 (105 × 59.4 mm)", A4[0] / 2, A4[1] / 5, 2, 5, True),
        Layout("a4-2x7", "A4 2 × 7 (105 × 42.4 mm)", A4[0] / 2, A4[1] / 7, 2, 7, True),
    )
}
MAX_LABELS = 1000


def label_lines(item) -> list[tuple[str, str]]:
    """The customer's label fields (plan §6.3.6), in print order."""
    supplier = item.supplier
    return [
        (_("Contract no."), item.contract_number),
        (_("Serial no."), item.serial_number),
        (_("Warranty end"), item.warranty_end.isoformat() if item.warranty_end else ""),
        (_("IP address"), item.ip_address or ""),
        (_("System serial"), item.system_serial),
        (_("Supplier"), supplier.name if supplier else ""),
        (
            _("Contact"),
            " ".join(p for p in (supplier.contact_name, supplier.contact_phone) if p)
            if supplier
            else "",
        ),
    ]


def labels_pdf(items, *, layout: str = "single", title: str = "") -> bytes:
    """A PDF with one label per item, in the given layout (see LAYOUTS)."""
    spec = LAYOUTS[layout]
    buffer = io.BytesIO()
    page_size = A4 if spec.sheet else (spec.width, spec.height)
    font = cjk_font()
    # initialFontName: otherwise a non-embedded Helvetica is declared on every page.
    canvas = Canvas(buffer, pagesize=page_size, pageCompression=1, initialFontName=font)
    canvas.setTitle(title or _("Asset labels"))
    per_page = spec.columns * spec.rows
    for index, item in enumerate(items):
        slot = index % per_page
        if index and slot == 0:
            canvas.showPage()
        column, row = slot % spec.columns, slot // spec.columns
        x = column * spec.width
        y = page_size[1] - (row + 1) * spec.height
        _draw_label(canvas, item, x, y, spec.width, spec.height, font)
    if not items:
        canvas.setFont(font, 10)
        canvas.drawString(10 * mm, page_size[1] - 15 * mm, _("No items selected."))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_label(canvas, item, x, y, width, height, font):
    pad = 3 * mm
    inner = width - 2 * pad
    # Cutting guide.
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.75)
    canvas.rect(x + 1, y + 1, width - 2, height - 2)
    canvas.setFillGray(0)

    top = y + height - pad
    title_size = 9 if height > 45 * mm else 8
    canvas.setFont(font, title_size)
    canvas.drawString(x + pad, top - title_size, _fit(canvas, item.name, font, title_size, inner))
    top -= title_size + 1.5 * mm

    # Barcode: Code128 of the tag, scaled to the label width but never below the module
    # width a 150 dpi scan still reads.
    bar_height = min(12 * mm, height * 0.22)
    barcode = Code128(item.asset_tag, barHeight=bar_height, barWidth=0.33 * mm, quiet=True)
    if barcode.width > inner:
        barcode = Code128(
            item.asset_tag,
            barHeight=bar_height,
            barWidth=0.33 * mm * inner / barcode.width,
            quiet=True,
        )
    barcode.drawOn(canvas, x + pad + (inner - barcode.width) / 2, top - bar_height)
    top -= bar_height + 3 * mm
    canvas.setFont(font, 8)
    canvas.drawCentredString(x + width / 2, top, item.asset_tag)
    top -= 1.5 * mm

    lines = [(k, v) for k, v in label_lines(item) if v]
    size = 6.5 if height > 45 * mm else 5.5
    step = size + 1.2
    two_columns = (top - y - pad) < len(lines) * step
    column_width = inner / 2 if two_columns else inner
    canvas.setFont(font, size)
    for position, (label, value) in enumerate(lines):
        col = position % 2 if two_columns else 0
        line = position // 2 if two_columns else position
        baseline = top - (line + 1) * step
        if baseline < y + pad / 2:
            break
        text = _fit(canvas, f"{label}: {value}", font, size, column_width - 1 * mm)
        canvas.drawString(x + pad + col * column_width, baseline, text)


def _fit(canvas, text: str, font: str, size: float, width: float) -> str:
    text = str(text)
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
