"""Business-time arithmetic for SLA clocks (pure Python: no Django, no database).

Guarantees:

* Working time is a set of half-open local intervals ``[start, end)``: an instant at a
  period's start is business time, an instant at its end is not.
* ``periods_on`` precedence: ``workdays`` > ``holidays`` > ``weekly``. A make-up working
  day (调休上班) always uses the periods of ``makeup_weekday``.
* ``add(start, d)`` with ``d > 0`` returns the earliest instant ``t`` such that
  ``between(start, t) == d``; when ``d`` runs out exactly at a period end, that end is
  returned (12:00, not 13:30). ``add(start, timedelta(0))`` returns ``start`` unchanged.
* Results are aware datetimes in ``self.tz``; inputs may be in any timezone, naive inputs
  raise ``TypeError``.
* Durations are measured in real elapsed time (computed in UTC), so a period that spans a
  DST change counts the hours that actually pass.
* Nothing loops forever: a calendar without any weekly periods fails fast, and a search
  that finds no working day within ``MAX_IDLE_DAYS`` consecutive days raises ``ValueError``.
* Cost is one loop iteration per local day, never per minute.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

Period = tuple[time, time]

# Ten years: longer than any real run of holidays, short enough to fail quickly on bad data.
MAX_IDLE_DAYS = 3660

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)


def default_weekly() -> dict[int, tuple[Period, ...]]:
    """Chinese office default: Mon–Fri 08:30–12:00 and 13:30–17:30; Sat/Sun none."""
    day = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
    return dict.fromkeys(range(5), day)


def _as_utc(instant: datetime, name: str) -> datetime:
    if not isinstance(instant, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise TypeError(f"{name} must be timezone-aware, got naive datetime {instant.isoformat()}")
    # Aware datetimes sharing a tzinfo subtract as wall-clock times in Python, which is
    # wrong across DST changes; UTC arithmetic is always elapsed time.
    return instant.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    weekly: dict[int, tuple[Period, ...]]
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    makeup_weekday: int = 0

    def __post_init__(self) -> None:
        # Validate once here so the arithmetic below can assume sorted, disjoint periods.
        weekly: dict[int, tuple[Period, ...]] = {}
        for weekday, periods in self.weekly.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0..6, got {weekday!r}")
            periods = tuple((start, end) for start, end in periods)
            for start, end in periods:
                if not start < end:
                    raise ValueError(f"period start must be before end: {start}–{end}")
            for (_, prev_end), (next_start, _) in pairwise(periods):
                if next_start < prev_end:
                    raise ValueError(f"periods on weekday {weekday} must be sorted and disjoint")
            weekly[weekday] = periods
        if self.makeup_weekday not in range(7):
            raise ValueError(f"makeup_weekday must be 0..6, got {self.makeup_weekday!r}")
        # Callers often pass plain sets or lists; freeze them so the calendar stays immutable.
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))

    def periods_on(self, day: date) -> tuple[Period, ...]:
        if day in self.workdays:
            return self.weekly.get(self.makeup_weekday, ())
        if day in self.holidays:
            return ()
        return self.weekly.get(day.weekday(), ())

    def is_working_day(self, day: date) -> bool:
        return bool(self.periods_on(day))

    def is_business_time(self, instant: datetime) -> bool:
        moment = _as_utc(instant, "instant")
        return any(start <= moment < end for start, end in self._intervals(self._local_day(moment)))

    def next_business_instant(self, instant: datetime) -> datetime:
        moment = _as_utc(instant, "instant")
        for start, end in self._intervals_from(moment):
            if moment < end:
                return max(start, moment).astimezone(self.tz)
        raise AssertionError("unreachable: _intervals_from raises when exhausted")

    def add(self, start: datetime, delta: timedelta) -> datetime:
        moment = _as_utc(start, "start")
        if delta < _ZERO:
            raise ValueError(f"delta must not be negative, got {delta}")
        if delta == _ZERO:
            return start
        remaining = delta
        for period_start, period_end in self._intervals_from(moment):
            clock_from = max(period_start, moment)
            available = period_end - clock_from
            # "<=" so a delta that ends exactly at a period end stays on that end.
            if remaining <= available:
                return (clock_from + remaining).astimezone(self.tz)
            remaining -= available
        raise AssertionError("unreachable: _intervals_from raises when exhausted")

    def between(self, start: datetime, end: datetime) -> timedelta:
        lo, hi = _as_utc(start, "start"), _as_utc(end, "end")
        if hi <= lo:
            return _ZERO
        total = _ZERO
        day, last_day = self._local_day(lo), self._local_day(hi)
        while day <= last_day:
            for period_start, period_end in self._intervals(day):
                overlap = min(period_end, hi) - max(period_start, lo)
                if overlap > _ZERO:
                    total += overlap
            day += _ONE_DAY
        return total

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's periods as UTC intervals, built from local wall-clock times."""
        intervals = []
        for start, end in self.periods_on(day):
            lo = datetime.combine(day, start, tzinfo=self.tz).astimezone(UTC)
            hi = datetime.combine(day, end, tzinfo=self.tz).astimezone(UTC)
            # A period lying wholly inside a DST gap has no real duration.
            if lo < hi:
                intervals.append((lo, hi))
        return intervals

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Yield intervals day by day from moment's local day; ValueError if time runs dry."""
        if not any(self.weekly.values()):
            raise ValueError("calendar has no working periods at all")
        day, idle_days = self._local_day(moment), 0
        while True:
            intervals = [iv for iv in self._intervals(day) if iv[1] > moment]
            if intervals:
                idle_days = 0
                yield from intervals
            else:
                idle_days += 1
                if idle_days > MAX_IDLE_DAYS:
                    raise ValueError(
                        f"no business time within {MAX_IDLE_DAYS} days after {moment.isoformat()}"
                    )
            day += _ONE_DAY
