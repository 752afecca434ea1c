"""Service-level clock arithmetic. Pure; no database.

A clock starts at an instant and runs for a target of business time; time on hold
does not count. Due instants are recomputed from the recorded hold intervals (the
event history), so a change of priority or service level, or an admin's correction of
the calendar, gives the right answer by replaying rather than by patching a stored
countdown.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from servicedesk.business_time import MAX_IDLE_DAYS, BusinessCalendar

Interval = tuple[datetime, datetime | None]  # an open interval has no end yet


@dataclass(frozen=True)
class ClockThresholds:
    warn_at: datetime | None
    due_at: datetime | None
    escalate_at: datetime | None


def holds_before(holds: Iterable[Interval], stop: datetime | None) -> list[Interval]:
    """The holds that paused a clock which stopped at `stop` (all of them while it runs).

    A hold that began after the clock stopped did not pause it: counting it would move a
    stopped clock's due time and turn a late answer into an on-time one.
    """
    holds = list(holds)
    if stop is None:
        return holds
    return [(start, min(end, stop) if end else stop) for start, end in holds if start < stop]


def paused_business_time(calendar: BusinessCalendar, holds: Iterable[Interval]) -> timedelta:
    return sum(
        (calendar.between(start, end) for start, end in holds if end is not None),
        timedelta(0),
    )


def clock_thresholds(
    calendar: BusinessCalendar,
    *,
    start: datetime,
    target: timedelta,
    holds: Iterable[Interval] = (),
    warn_ratio: float = 0.75,
    escalate_ratio: float = 1.5,
) -> ClockThresholds:
    """Warning, due and escalation instants of a business-time clock.

    While a hold is open the clock is stopped and has no instants (all None): a paused
    work order must never show as overdue.
    """
    holds = list(holds)
    if any(end is None for _, end in holds):
        return ClockThresholds(None, None, None)
    paused = paused_business_time(calendar, holds)

    def at(ratio: float) -> datetime:
        return calendar.add(start, target * ratio + paused)

    return ClockThresholds(at(warn_ratio), at(1.0), at(escalate_ratio))


def business_elapsed(
    calendar: BusinessCalendar, *, start: datetime, now: datetime, holds: Iterable[Interval] = ()
) -> timedelta:
    """Business time the clock has run by `now`, holds excluded."""
    total = calendar.between(start, now)
    for hold_start, hold_end in holds:
        # Only the part of a hold inside [start, now] stopped this clock.
        begin, end = max(hold_start, start), min(hold_end or now, now)
        if end > begin:
            total -= calendar.between(begin, end)
    return max(total, timedelta(0))


def in_time(calendar: BusinessCalendar, due: datetime | None, at: datetime) -> bool:
    """Whether an action at `at` met a clock due at `due`, compared in business time: in
    time while no business time has passed since the due point. Answered at 08:30 the
    next working morning after a 17:30 due point is in time; clock times would say late."""
    return due is None or calendar.between(due, at) == timedelta(0)


def breach_cutoff(calendar: BusinessCalendar, now: datetime) -> datetime:
    """The instant c such that a clock due at `due` is breached at `now` exactly when
    `due < c` (some business time has passed since the due point).

    `now` itself while business time is running up to it; otherwise the end of the last
    working period before it (at 18:00 or at 08:30 sharp, a 17:30 due point has not yet
    had any business time pass). A plain instant, so the scans and the figures filter an
    indexed due column with it instead of testing each row in Python.
    """
    from datetime import datetime as dt

    tz = calendar.tz
    local = now.astimezone(tz)
    day = local.date()
    for _ in range(MAX_IDLE_DAYS):
        for start, end in reversed(calendar.periods_on(day)):
            lo = dt.combine(day, start, tzinfo=tz)
            hi = dt.combine(day, end, tzinfo=tz)
            if lo < local <= hi:
                return now
            if hi < local:
                return hi
        day -= timedelta(days=1)
    raise ValueError("no working period before the instant")
