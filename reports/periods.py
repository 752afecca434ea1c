"""Report periods: a month, a quarter or a year, in the portal's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.utils import timezone

PeriodKind = Literal["month", "quarter", "year"]


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # first day
    end: date  # last day (inclusive)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return cls("month", first, following - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * (quarter - 1) + 1, 1)
        last_month = cls.month(year, 3 * quarter)
        return cls("quarter", first, last_month.end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        if kind == "month":
            return cls.month(day.year, day.month)
        if kind == "quarter":
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.year(day.year)

    @classmethod
    def parse(cls, kind: PeriodKind, text: str) -> Period:
        """'2026-09' (month), '2026-Q3' (quarter), '2026' (year); ValueError otherwise."""
        text = text.strip()
        if kind == "month":
            year, month = text.split("-")
            return cls.month(int(year), int(month))
        if kind == "quarter":
            year, quarter = text.upper().split("-Q")
            if not 1 <= int(quarter) <= 4:
                raise ValueError(text)
            return cls.quarter(int(year), int(quarter))
        return cls.year(int(text))

    @property
    def slug(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def following(self) -> Period:
        return Period.containing(self.kind, self.end + timedelta(days=1))

    def trailing(self, count: int) -> list[Period]:
        """This period and the `count - 1` before it, oldest first (trends: 12 months, 4
        quarters)."""
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def months(self) -> list[Period]:
        months, current = [], Period.month(self.start.year, self.start.month)
        while current.start <= self.end:
            months.append(current)
            current = current.following()
        return months

    @property
    def start_at(self) -> datetime:
        """The first instant, aware, in the portal's time zone."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """The instant after the last day (half-open: [start_at, end_at))."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def is_closed(self, today: date) -> bool:
        return self.end < today
