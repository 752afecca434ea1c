"""The business calendar from the database, and the holiday sync from the `holidays` package.

`business_calendar()` turns WorkingPeriod and CalendarDay rows into the pure
`BusinessCalendar` of business_time.py. The result is memoised per process and keyed by
a version in the shared cache, which every edit bumps, so an admin's correction reaches
all web and Celery processes at once without a query on every SLA computation.
"""

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm.cache import cached_table, forget

from .business_time import BusinessCalendar
from .choices import CalendarDayKind, CalendarDaySource
from .models import CalendarDay, CalendarYear, WorkingPeriod

_VERSION_KEY = "servicedesk:calendar-version"


def calendar_changed() -> None:
    """Invalidate every process's memoised calendar."""
    forget(_VERSION_KEY)


def business_calendar() -> BusinessCalendar:
    """The working periods and special days, kept per process (`itsm.cache.cached_table`)
    until any of them changes."""
    return cached_table(_VERSION_KEY, _build_calendar, timeout=None)  # as long as unchanged


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
    confirmed = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    years = [year for year in years if year not in confirmed]  # the notice is the authority
    if not years:
        return {"created": 0, "updated": 0, "deleted": 0}
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


# --- confirming a year against the State Council's notice ------------------------------
# The notice for year N comes out around November of N-1; until an admin enters it, year
# N's dates are the package's prediction, which has no make-up working days.
NEXT_YEAR_WARNING_MONTH = 11
_RANGE = re.compile(
    r"^(?P<start>\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:\s*(?:\.\.|~|～|至|–|—|to)\s*(?P<end>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}))?"
    r"(?:\s+(?P<name>.+))?$"
)


def calendar_unconfirmed_years(*, today: date | None = None) -> list[int]:
    """This year if unconfirmed, and from November on next year too."""
    today = today or timezone.localdate()
    years = [today.year] + ([today.year + 1] if today.month >= NEXT_YEAR_WARNING_MONTH else [])
    confirmed = set(CalendarYear.objects.filter(year__in=years).values_list("year", flat=True))
    return [year for year in years if year not in confirmed]


def _parse_day(text: str) -> date:
    parts = re.split(r"[-/.]", text)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def notice_days_parse(text: str, *, year: int) -> list[tuple[date, str]]:
    """Lines like `2027-02-05..2027-02-11 春节` or `2027-02-14 春节调休` → dated names.

    Raises ValidationError listing every bad line, so nothing is half-entered."""
    days: list[tuple[date, str]] = []
    errors = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _RANGE.match(line)
        try:
            if not match:
                raise ValueError
            start = _parse_day(match["start"])
            end = _parse_day(match["end"]) if match["end"] else start
        except ValueError:
            errors.append(
                _(
                    "Line %(line)d “%(text)s”: write a date as 2027-02-05 or a range as "
                    "2027-02-05..2027-02-11, then the name."
                )
                % {"line": number, "text": line}
            )
            continue
        if end < start or start.year != year or end.year != year or (end - start).days > 31:
            errors.append(
                _(
                    "Line %(line)d “%(text)s”: the dates must lie in %(year)d, in order, at most "
                    "a month apart."
                )
                % {"line": number, "text": line, "year": year}
            )
            continue
        name = (match["name"] or "").strip()[:100]
        day = start
        while day <= end:
            days.append((day, name))
            day += timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    return days


def calendar_notice_refusal(user) -> str:
    if user.has_perm("servicedesk.change_calendarday"):
        return ""
    return _("Only an administrator can enter the State Council's holiday notice.")


def calendar_notice_apply(
    *, actor, year: int, holidays_text: str, workdays_text: str, notice: str = ""
) -> CalendarYear:
    """Replace year `year`'s holidays and make-up days with the notice's and mark the year
    confirmed: the daily sync no longer touches it. All or nothing."""
    from itsm.workflow import require

    require(calendar_notice_refusal(actor))
    errors = {}
    try:
        holidays_list = notice_days_parse(holidays_text, year=year)
    except ValidationError as exc:
        errors["holidays"] = exc.messages
    try:
        workdays_list = notice_days_parse(workdays_text, year=year)
    except ValidationError as exc:
        errors["workdays"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if not holidays_list:
        raise ValidationError({"holidays": [_("Enter the notice's days off.")]})
    both = {d for d, _n in holidays_list} & {d for d, _n in workdays_list}
    if both:
        raise ValidationError(
            {
                "workdays": [
                    _("A day cannot be both a day off and a working day: %(days)s")
                    % {"days": ", ".join(sorted(str(d) for d in both))}
                ]
            }
        )
    with transaction.atomic():
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(
                    date=d, kind=CalendarDayKind.HOLIDAY, name=n, source=CalendarDaySource.MANUAL
                )
                for d, n in holidays_list
            ]
            + [
                CalendarDay(
                    date=d, kind=CalendarDayKind.WORKDAY, name=n, source=CalendarDaySource.MANUAL
                )
                for d, n in workdays_list
            ]
        )
        confirmed, _created = CalendarYear.objects.update_or_create(
            year=year,
            defaults={
                "notice": notice[:200],
                "confirmed_at": timezone.now(),
                "confirmed_by": actor,
            },
        )
        transaction.on_commit(calendar_changed)
    return confirmed


def calendar_confirmation_remind(*, today: date | None = None) -> bool:
    """Tell the administrators (in the portal and by mail) that a year in use is still
    the package's guess; at most once a week. Returns whether it told them."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.urls import reverse

    from .choices import Role
    from .models import Notification
    from .notifications import notify

    today = today or timezone.localdate()
    years = calendar_unconfirmed_years(today=today)
    if not years:
        return False
    subject = _("The business calendar for %(years)s is not confirmed") % {
        "years": ", ".join(str(y) for y in years)
    }
    admins = list(
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN), is_active=True)
        .distinct()
    )
    week_ago = timezone.now() - timedelta(days=7)
    if (
        not admins
        or Notification.objects.filter(
            recipient__in=admins, subject=subject, created_at__gte=week_ago
        ).exists()
    ):
        return False
    notify(
        recipients=admins,
        subject=subject,
        body=_(
            "Its holidays are the holidays package's prediction, without the make-up working "
            "days of the State Council's notice, so service-level due times near holidays "
            "may be wrong. Enter the notice's days to confirm the year."
        ),
        url=reverse("servicedesk:calendar-notice") + f"?year={years[-1]}",
    )
    return True
