"""How frozen report values read: one formatter the page, the PDF, the charts and the
exports share, so a figure reads the same everywhere ("97.3 %", "3.5 h", "¥1,234.00").

Labels are stored as English msgids (see definitions.py) and translated here at render
time, in whatever language is active; `%(name)s` arguments are filled after translation.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import gettext as _

from .definitions import Target

DASH = "—"


def text(msgid: str, args: dict[str, Any] | None = None) -> str:
    """The msgid translated, then interpolated; data that is not a msgid comes back as is."""
    if msgid is None:
        return ""
    translated = _(msgid) if msgid else ""
    if args:
        try:
            return translated % args
        except (KeyError, TypeError, ValueError):
            # A translation whose placeholders do not match must not break a whole report.
            return msgid % args if "%(" in msgid else translated
    return translated


def _number(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def value(value: Any, unit: str = "count") -> str:
    """A value for reading: percent values are ratios (0.9731 → "97.3 %")."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        # Builders store the words they write into cells ("Response", "In time", "not
        # yet") as msgids; data that is not a msgid comes back unchanged.
        return _(value)
    if unit == "text" or isinstance(value, bool):
        return str(value)
    if unit == "percent":
        return f"{value * 100:.1f} %"
    if unit == "hours":
        return _("%(value)s h") % {"value": _number(value, 1)}
    if unit == "minutes":
        return _("%(value)s min") % {"value": _number(value, 0)}
    if unit == "days":
        return _("%(value)s d") % {"value": _number(value, 1)}
    if unit == "money":
        return "¥" + _number(value, 2)
    if unit == "rating":
        return _number(value, 2)
    if isinstance(value, float) and not value.is_integer():
        return _number(value, 1)
    return _number(value, 0)


def axis_value(number: float, unit: str, decimals: int = 0) -> str:
    """A tick label: short, no unit words (the chart title says the unit)."""
    if unit == "percent":
        return f"{number * 100:.{decimals}f}%"
    if unit == "money":
        return "¥" + _compact(number)
    return _compact(number)


def _compact(number: float) -> str:
    if abs(number) >= 10000:
        return f"{number / 1000:,.0f}k"
    if float(number).is_integer():
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


_OPS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def target(target: Target | None, unit: str = "count") -> str:
    """ "≥ 100.0 %", "30.0 % – 50.0 %"; empty when the figure has no target."""
    if target is None:
        return ""
    if target.op == "between":
        upper = target.upper if target.upper is not None else target.value
        return f"{value(target.value, unit)} – {value(upper, unit)}"
    return f"{_OPS.get(target.op, target.op)} {value(target.value, unit)}"


def met(met: bool | None) -> str:
    if met is None:
        return ""
    return _("Met") if met else _("Missed")


def count_of_base(count: int | None, base: int | None) -> str:
    """ "146 of 150" for rates; empty when the figure has no base."""
    if count is None or base is None:
        return ""
    return _("%(count)s of %(base)s") % {"count": f"{count:,}", "base": f"{base:,}"}


def text_width(label: str, size: float) -> float:
    """Estimated width in points of `label` at font size `size`, without font metrics:
    East Asian wide characters take a full em, the rest about 0.6 em. The estimate errs
    wide so labels placed by it never touch, in the browser's font or the PDF's."""
    width = 0.0
    for char in label:
        width += 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.62
    return width * size


def shorten(label: str, size: float, limit: float) -> str:
    """`label` cut with an ellipsis to fit `limit` points (the full text is in the table)."""
    if text_width(label, size) <= limit:
        return label
    out = ""
    for char in label:
        if text_width(out + char + "…", size) > limit:
            break
        out += char
    return out + "…"
