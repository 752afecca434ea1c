"""The business calendar from the database, and the holiday sync from the `holidays` package.

`business_calendar()` turns WorkingPeriod and CalendarDay rows into the pure
`BusinessCalendar` of business_time.py. The result is memoised per process and keyed by
a version in the shared cache, which every edit bumps, so an admin's correction reaches
all web and Celery processes at once without a query on every SLA computation.
"""

from datetime import date
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .business_time import BusinessCalendar
from .choices import CalendarDayKind, CalendarDaySource
from .models import CalendarDay, WorkingPeriod

_VERSION_KEY = "servicedesk:calendar-version"
_memo: dict[str, object] = {"version": None, "calendar": None}


def calendar_changed() -> None:
    """Invalidate every process's memoised calendar."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, timeout=None)
    _memo["version"] = None


def business_calendar() -> BusinessCalendar:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY)
    if _memo["version"] == version and _memo["calendar"] is not None:
        return _memo["calendar"]
    calendar = _build_calendar()
    _memo.update(version=version, calendar=calendar)
    return calendar


def _build_calendar() -> BusinessCalendar:
    weekly: dict[int, list] = {day: [] for day in range(7)}
    for period in WorkingPeriod.objects.order_by("weekday", "start"):
        weekly[period.weekday].append((period.start, period.end))
    days = CalendarDay.objects.values_list("date", "kind")
    return BusinessCalendar(
        tz=ZoneInfo(settings.TIME_ZONE),
        weekly={day: tuple(periods) for day, periods in weekly.items()},
        holidays=frozenset(d for d, kind in days if kind == CalendarDayKind.HOLIDAY),
        workdays=frozenset(d for d, kind in days if kind == CalendarDayKind.WORKDAY),
    )


def package_days(years: list[int]) -> dict[date, tuple[str, str]]:
    """Holidays and make-up working days that the `holidays` package knows for `years`.

    The package predicts years the State Council has not yet announced; its make-up days
    (weekend_workdays) are only those it knows. Admin rows override it.
    """
    china = holidays.China(years=years, language="zh_CN")
    result: dict[date, tuple[str, str]] = {}
    for day, name in china.items():
        result[day] = (CalendarDayKind.HOLIDAY, name)
    for day in getattr(china, "weekend_workdays", ()):
        if day.year in years:
            result[day] = (CalendarDayKind.WORKDAY, "调休上班")
    return result


@transaction.atomic
def holidays_sync(*, years: list[int]) -> dict[str, int]:
    """Bring package-sourced CalendarDay rows for `years` in line with the package.

    Manual rows are never touched; package rows the package no longer lists are removed.
    Returns counts of created, updated and deleted rows.
    """
    wanted = package_days(years)
    existing = {
        row.date: row
        for row in CalendarDay.objects.filter(date__year__in=years).select_for_update()
    }
    created = updated = deleted = 0
    for day, (kind, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            CalendarDay.objects.create(
                date=day, kind=kind, name=name, source=CalendarDaySource.PACKAGE
            )
            created += 1
        elif row.source == CalendarDaySource.PACKAGE and (row.kind, row.name) != (kind, name):
            row.kind, row.name = kind, name
            row.save(update_fields=["kind", "name"])
            updated += 1
    for day, row in existing.items():
        if row.source == CalendarDaySource.PACKAGE and day not in wanted:
            row.delete()
            deleted += 1
    if created or updated or deleted:
        transaction.on_commit(calendar_changed)
    return {"created": created, "updated": updated, "deleted": deleted}
