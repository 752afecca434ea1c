"""Measured checklist items: does a value keep within its limits? Pure, no database."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


def parse_value(text) -> Decimal | None:
    """The number an engineer typed ("3.2", "3,2", " 4 "), or None when blank or not a number."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    cleaned = str(text).strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def within(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    """True when `value` keeps to both limits (each inclusive: ≤ 4 Ω passes at 4.000)."""
    if low is not None and value < low:
        return False
    return high is None or value <= high


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def limit_text(low, high, unit: str = "") -> str:
    """The limit as printed beside the item: "≤ 4 Ω", "≥ 10 MΩ", "1–5 V"."""
    unit = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"{_num(low)}–{_num(high)}{unit}"
    if high is not None:
        return f"≤ {_num(high)}{unit}"
    if low is not None:
        return f"≥ {_num(low)}{unit}"
    return ""


def out_of_limit_note(value: Decimal, low, high, unit: str = "") -> str:
    return _("Measured %(value)s, allowed %(limit)s.") % {
        "value": f"{_num(value)}{' ' + unit if unit else ''}",
        "limit": limit_text(low, high, unit),
    }
