"""Language of parts (WCAG 3.1.2): mark text whose language differs from the page's.

Records are written in one language and shown in both UIs (an English knowledge record on
a Chinese page, the Chinese site name on an English page); a screen reader reads them with
the wrong voice unless the element says which language it is in.
"""

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def text_language(text) -> str | None:
    """ "zh-Hans" for text with Chinese characters, "en" for Latin-only text, else None."""
    text = str(text or "")
    if _CJK.search(text):
        return "zh-Hans"
    if _LATIN.search(text):
        return "en"
    return None


@register.simple_tag
def lang_attr(text):
    """` lang="…"` when the text's language is not the page's, else nothing."""
    language = text_language(text)
    page = (get_language() or "").lower()
    if language is None or page.startswith(language.lower()[:2]):
        return ""
    return format_html(' lang="{}"', language)
