"""The asset tag as a Code128 barcode for web pages (python-barcode), the same symbology
the printed labels carry (cmdb.labels draws them in the PDF with reportlab).

Pages show it as `<img src=".../barcode.svg">`: served as an image, with nosniff and a
script-less Content-Security-Policy, an SVG cannot run anything even when opened on its
own, and the tag inside it is XML-escaped by the writer.
"""

import io

from barcode import Code128
from barcode.errors import BarcodeError
from barcode.writer import ImageWriter, SVGWriter

# A module of 0.33 mm and 12 mm bars, as on the printed label; a quiet zone of 10 modules.
OPTIONS = {
    "module_width": 0.33,
    "module_height": 12.0,
    "quiet_zone": 3.3,
    "font_size": 8,
    "text_distance": 4,
}


def _code(tag: str, writer) -> Code128 | None:
    try:
        return Code128(tag, writer=writer)
    except (BarcodeError, UnicodeError, ValueError):
        return None  # Code128 holds Latin-1 only: a tag outside it gets no barcode


def code128_svg(tag: str) -> bytes | None:
    """The tag as a Code128 SVG document (bytes), or None if Code128 cannot hold it."""
    code = _code(tag, SVGWriter())
    if code is None:
        return None
    buffer = io.BytesIO()
    code.write(buffer, options=OPTIONS)
    return buffer.getvalue()


def code128_png(tag: str, *, dpi: int = 200) -> bytes | None:
    """The same barcode as PNG (Pillow), for places that cannot show SVG."""
    code = _code(tag, ImageWriter())
    if code is None:
        return None
    buffer = io.BytesIO()
    code.write(buffer, options={**OPTIONS, "dpi": dpi})
    return buffer.getvalue()
