"""A seasonal schedule as data: which months a check is due in. Pure, no database.

The plan (§5.1.2.2): Guangzhou's rainy season runs April to August, when the lightning
protection is tested every month; outside it, every four months. As data that is a season
(first and last month), how often inside it, and how often outside it, counted on from the
season's last check until the season comes round again: Apr, May, Jun, Jul, Aug, then Dec,
then Apr. A check is due *in* a month and done by its last day; a late check does not move
the months (the season does not wait).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def _in_season(month: int, start: int, end: int) -> bool:
    if start <= end:
        return start <= month <= end
    return month >= start or month <= end  # a season over the new year (Nov–Feb)


def _step(month: int, by: int) -> int:
    return (month - 1 + by) % 12 + 1


@dataclass(frozen=True)
class Season:
    """`start`/`end` months (1–12, both 0 for no season), steps in months."""

    start: int = 0
    end: int = 0
    every_in_season: int = 1
    every_off_season: int = 12

    def due_months(self) -> list[int]:
        """The months (1–12) in which a check falls due, in calendar order."""
        off = max(1, self.every_off_season)
        if not self.start or not self.end:
            return sorted({_step(1, n * off) for n in range(12)})
        months = set()
        month = self.start
        for _ in range(12):  # inside the season
            months.add(month)
            nxt = _step(month, max(1, self.every_in_season))
            if not _in_season(nxt, self.start, self.end) or nxt == self.start:
                break
            if _steps_between(month, nxt) <= 0:
                break
            month = nxt
        for _ in range(12):  # then outside it until the season comes round again
            month = _step(month, off)
            if _in_season(month, self.start, self.end):
                break
            months.add(month)
        return sorted(months)

    def due_by(self, month_start: date) -> date:
        return month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])

    def first_due_from(self, day: date, *, inclusive: bool = True) -> date:
        """The last day of the first due month from `day`'s month (or after it)."""
        months = self.due_months()
        year, month = day.year, day.month
        if not inclusive:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        for _ in range(24):
            if month in months:
                return self.due_by(date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise ValueError("no due month")  # pragma: no cover - due_months is never empty

    def next_due_after_check(self, checked_on: date) -> date:
        """Done on `checked_on`: the next check is due by the end of the next due month."""
        return self.first_due_from(checked_on, inclusive=False)


def _steps_between(a: int, b: int) -> int:
    return (b - a) % 12
