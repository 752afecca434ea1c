"""Suggestions: the service supervisor's free text for the period (优化建议), stored exactly
as written; renderers escape it (it is user text, never markup)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from ..definitions import Section
from ..periods import Period

MAX_LENGTH = 20_000  # a few pages; longer text is refused by the page that takes it


def build(period: Period, *, options: dict) -> Section:
    text = options.get("suggestions") or ""
    if not isinstance(text, str):
        raise TypeError("options['suggestions'] must be text")
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"suggestions longer than {MAX_LENGTH} characters")
    return Section(
        key="suggestions",
        title=N_("Suggestions"),
        text=text,
        notes=[] if text else [N_("The service supervisor has not written suggestions yet.")],
    )
