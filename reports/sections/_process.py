"""Small helpers the process sections share (repairs, inspections, antivirus, emergencies,
cmdb, availability, costs): period parameters for drill-downs and figure shorthands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..definitions import Drill, Figure
from ..periods import Period


def days(period: Period) -> dict[str, str]:
    """The drill parameters naming the period's days (ISO dates, inclusive)."""
    return {"starts_on": period.start.isoformat(), "ends_on": period.end.isoformat()}


def parse_days(params: dict[str, Any]) -> dict[str, date]:
    return {
        "starts_on": date.fromisoformat(params["starts_on"]),
        "ends_on": date.fromisoformat(params["ends_on"]),
    }


def count(key: str, label: str, value: int, definition: str, drill: str | None, period: Period,
          **extra) -> Figure:  # fmt: skip
    return Figure(
        key=key,
        label=label,
        value=value,
        unit="count",
        definition=definition,
        drill=Drill(drill, {**days(period), **extra}) if drill else None,
    )


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def money(value: Decimal | int | float | None) -> float:
    return float(round(Decimal(value or 0), 2))


def msgid(label) -> str:
    """A choice label as its English source text, so the frozen report translates it when
    rendered in either language (a lazy label would freeze the builder's language)."""
    from django.utils import translation

    with translation.override("en"):
        return str(label)
