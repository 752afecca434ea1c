"""The one CJK font every generated PDF embeds (labels, reports, gate passes, route sheets).

reportlab's built-in CJK fonts are not embedded, so viewers without Asian font packs show
blanks; a TrueType font (`settings.ITSM["PDF_FONT_PATH"]`, a .ttf or a .ttc collection) is
embedded as a subset instead. Registered once per process.
"""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "ITSM-CJK"


@cache
def cjk_font() -> str:
    """The registered font's name; Helvetica (Latin only) when the font file is missing."""
    path = Path(settings.ITSM["PDF_FONT_PATH"])
    if not path.is_file():
        # Latin text still prints; the missing font is a deployment error worth seeing.
        logging.getLogger(__name__).error(
            "PDF font %s not found; Chinese will not show in PDFs. Install a CJK font "
            "(Debian/Ubuntu: apt-get install fonts-wqy-microhei; RHEL/Fedora: "
            "dnf install wqy-microhei-fonts) or point PDF_FONT_PATH at a .ttf/.ttc.",
            path,
        )
        return "Helvetica"
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        extra = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), **extra))
    return FONT_NAME
