"""Periods of the technical hand-ins, as pure functions (no database).

A weekly duty's period starts on Monday and is due on its `due_weekday` (0 Monday … 6
Sunday) of that week; a monthly duty's period is a calendar month, due on `due_day` of
the following month (the report looks back on a whole month).
"""

from datetime import date, timedelta

WEEKLY, MONTHLY = "weekly", "monthly"


def period_start(kind: str, day: date) -> date:
    """The first day of the period `day` falls in."""
    if kind == WEEKLY:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(kind: str, start: date) -> date:
    if kind == WEEKLY:
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_period(kind: str, start: date) -> date:
    if kind == WEEKLY:
        return start - timedelta(days=7)
    return (start - timedelta(days=1)).replace(day=1)


def due_on(kind: str, start: date, *, due_weekday: int = 4, due_day: int = 5) -> date:
    """When the period starting on `start` must be handed in."""
    if kind == WEEKLY:
        return start + timedelta(days=min(max(due_weekday, 0), 6))
    return next_period(MONTHLY, start).replace(day=min(max(due_day, 1), 28))


def is_period_start(kind: str, day: date) -> bool:
    return period_start(kind, day) == day


def periods(kind: str, *, first: date, last: date) -> list[date]:
    """Starts of the periods from the one holding `first` to the one holding `last`."""
    start, end, found = period_start(kind, first), period_start(kind, last), []
    while start <= end:
        found.append(start)
        start = next_period(kind, start)
    return found


def label(kind: str, start: date) -> str:
    """`2026-W49` for a week (ISO week), `2026-11` for a month."""
    if kind == WEEKLY:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%Y-%m}"
