"""`highlight`: mark the query's words in a text, escaping everything else."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from itsm.search import highlight_spans

register = template.Library()


@register.filter
def highlight(text, query):
    """The text HTML-escaped, with each match of `query` wrapped in <mark>."""
    text = str(text or "")
    spans = highlight_spans(text, str(query or ""))
    parts, position = [], 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece is escaped above)


@register.filter
def excerpt(text, length=120):
    """The first `length` characters on one line, for result lists."""
    return Truncator(" ".join(str(text or "").split())).chars(int(length))
