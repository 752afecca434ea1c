"""When a report is due: a day of the month after its period, moved off days off.

Pure logic (no database): the caller passes `is_working_day`, normally
`servicedesk.calendar.business_calendar().is_working_day`, so National Day or the Spring
Festival moves "by the 5th" to the working day before or after, as the customer chose.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from .periods import Period

# A year of days off in a row does not exist; this only stops a broken calendar looping.
_MAX_SHIFT = 60


def nominal_due_date(period: Period, due_day: int) -> date:
    """`due_day` of the month after the period (clamped to that month's last day)."""
    following = period.end + timedelta(days=1)
    last = calendar.monthrange(following.year, following.month)[1]
    return following.replace(day=min(max(due_day, 1), last))


def due_date(
    period: Period, *, due_day: int, rule: str, is_working_day: Callable[[date], bool]
) -> date:
    """The nominal due day, or the nearest working day before/after it (`rule`)."""
    day = nominal_due_date(period, due_day)
    step = timedelta(days=-1 if rule == "before" else 1)
    for _ in range(_MAX_SHIFT):
        if is_working_day(day):
            return day
        day += step
    return nominal_due_date(period, due_day)


def reminder_points(due: date, days_before: int) -> list[date]:
    """The days a not-yet-delivered report is reminded of, oldest first: `days_before`
    days ahead (if any) and the due day itself."""
    points = [due - timedelta(days=days_before)] if days_before > 0 else []
    return [*points, due]


def current_point(due: date, days_before: int, today: date) -> date | None:
    """The latest reminder point reached by `today`, or None before the first."""
    reached = [point for point in reminder_points(due, days_before) if point <= today]
    return reached[-1] if reached else None
