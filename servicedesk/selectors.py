"""Reads of the organisation that depend on who is asking."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from .choices import Role
from .models import CalendarDay, Person, ServiceCommitment, ServiceLevel, WorkingPeriod
from .roles import is_staff_role, user_has_role


def person_list(*, user, query: str = "", department_id: int | None = None) -> QuerySet[Person]:
    """People `user` may look up: staff see everyone, others only themselves.

    Matches name, phone, mobile, employee number, username and department name, so the
    desk finds a caller by whatever they say on the phone.
    """
    people = Person.objects.select_related(
        "user", "department", "department__service_level", "location__building", "service_level"
    )
    if not (is_staff_role(user) or user_has_role(user, Role.APPROVER)):
        people = people.filter(user=user)
    if query:
        query = query.strip()
        people = people.filter(
            Q(name__icontains=query)
            | Q(phone__icontains=query)
            | Q(mobile__icontains=query)
            | Q(employee_number__iexact=query)
            | Q(user__username__iexact=query)
            | Q(user__email__iexact=query)
            | Q(department__name__icontains=query)
        )
    if department_id:
        people = people.filter(department_id=department_id)
    return people.order_by("name", "pk")


def organisation_table() -> dict:
    """Service levels, departments (with their level) and locations (with their building)
    by key, from the per-process cached table (forgotten on every edit of those tables)."""
    from itsm.cache import cached_table

    from .models import Department, Location, ServiceLevel
    from .models.organisation import ORGANISATION_CACHE_KEY

    def build():
        return {
            "levels": ServiceLevel.objects.in_bulk(),
            "departments": Department.objects.select_related("service_level").in_bulk(),
            "locations": Location.objects.select_related("building").in_bulk(),
        }

    return cached_table(ORGANISATION_CACHE_KEY, build)


def person_for_filing(user) -> Person | None:
    """The user's person with what filing a fault reads (department, location, service
    levels): the person came with the user (itsm.auth_backends), the rest from the cached
    organisation table, so no query; kept on the user so `user.person` reads it again."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        person = user.person
    except Person.DoesNotExist:
        return None
    table = organisation_table()
    for field, rows in (
        ("department", table["departments"]),
        ("location", table["locations"]),
        ("service_level", table["levels"]),
    ):
        key = getattr(person, f"{field}_id")
        if key is not None and key in rows:
            setattr(person, field, rows[key])
    return person


def service_level_list() -> QuerySet[ServiceLevel]:
    return ServiceLevel.objects.order_by("-rank")


def calendar_year(*, year: int) -> dict:
    """What the business calendar page shows for one year."""
    from .calendar import calendar_unconfirmed_years
    from .models import CalendarYear

    return {
        "confirmation": CalendarYear.objects.filter(year=year)
        .select_related("confirmed_by")
        .first(),
        "unconfirmed_years": calendar_unconfirmed_years(),
        "periods": list(WorkingPeriod.objects.order_by("weekday", "start")),
        "days": list(
            CalendarDay.objects.filter(date__gte=date(year, 1, 1), date__lte=date(year, 12, 31))
        ),
    }


def calendar_upcoming(*, limit: int = 8) -> list[CalendarDay]:
    from django.utils import timezone

    return list(CalendarDay.objects.filter(date__gte=timezone.localdate()).order_by("date")[:limit])


def notification_list(*, user, limit: int = 100):
    from .models import Notification

    return list(Notification.objects.filter(recipient=user).order_by("-created_at")[:limit])


# The bell counts up to this many ("99+"): its cost stays flat however many pile up
# (notices are kept, scans add them), now that every request reads it with the user.
UNREAD_CAP = 100
UNREAD_COLUMN = "unread_notifications"


def notification_unread_count(*, user) -> int:
    """The bell's count, at most UNREAD_CAP: read with the signed-in user
    (`unread_count_column`), else counted."""
    from itsm.auth_backends import user_column_value

    from .models import Notification

    known = user_column_value(user, UNREAD_COLUMN)
    if known is not None:
        return known
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return unread.order_by().values("pk")[:UNREAD_CAP].count()


def unread_count_column(user_model):
    """The unread count as a column of the signed-in user's read (itsm.auth_backends): a
    capped COUNT over the (recipient, read_at) index, where a query of its own, built and
    compiled by the ORM on every page, cost 0.5 ms."""
    from itsm.sql import reverse_count

    return reverse_count(user_model, "notifications", unset="read_at", cap=UNREAD_CAP)


# --- the contract's commitments --------------------------------------------------------


@dataclass(frozen=True)
class Commitment:
    """A commitment in force, shaped like reports.definitions.Target (op, value, upper,
    source) so the reports convert it field for field; servicedesk cannot import reports."""

    op: str
    value: float
    upper: float | None = None
    source: str = ""

    def met(self, value) -> bool | None:
        return commitment_met(self.op, self.value, self.upper, value)


def commitment_met(op: str, target: float, upper: float | None, value) -> bool | None:
    """Whether `value` meets a commitment (None: nothing to judge). The one comparison the
    dashboard and the reports' frozen targets share."""
    if value is None or not isinstance(value, int | float):
        return None
    if op == ">=":
        return value >= target
    if op == ">":
        return value > target
    if op == "<=":
        return value <= target
    if op == "<":
        return value < target
    return target <= value <= (upper if upper is not None else target)


def commitments_by_level(day: date) -> dict[int | None, dict[str, Commitment]]:
    """Every commitment in force on `day`, keyed by service level id (None: the general
    rows), then by figure key. The newest row valid on `day` wins (a quarter's target
    set starts on the quarter's first day, so it wins inside its quarter and later ones
    fall back to it). One query."""
    return commitments_on_days([day])[day]


def commitments_on_days(days) -> dict[date, dict[int | None, dict[str, Commitment]]]:
    """`commitments_by_level` for each of `days` (the dashboard's months each judged by
    the targets in force in them), from one query."""
    days = sorted(set(days))
    result: dict[date, dict[int | None, dict[str, Commitment]]] = {day: {} for day in days}
    if not days:
        return result
    rows = ServiceCommitment.objects.filter(valid_from__lte=days[-1]).order_by(
        "key", "service_level_id", "-valid_from"
    )
    for row in rows:
        for day in days:
            if row.valid_from > day:
                continue
            per_level = result[day].setdefault(row.service_level_id, {})
            if row.key not in per_level:  # the newest valid row comes first
                per_level[row.key] = Commitment(row.op, row.value, row.upper, row.source)
    return result


def commitments_in_force(day: date, *, level_id: int | None = None) -> dict[str, Commitment]:
    """The commitments in force on `day`: the general rows, overridden by the rows of
    service level `level_id` when one is given."""
    every = commitments_by_level(day)
    merged = dict(every.get(None, {}))
    if level_id is not None:
        merged.update(every.get(level_id, {}))
    return merged


def quarter_target_sets(*, year: int | None = None):
    """The quarterly target sets, newest first, each with its rows (two queries)."""
    from django.db.models import Prefetch

    from .models import QuarterTargets

    sets = QuarterTargets.objects.prefetch_related(
        Prefetch(
            "commitments",
            queryset=ServiceCommitment.objects.select_related("service_level").order_by(
                "key", "service_level__rank"
            ),
        )
    )
    if year is not None:
        sets = sets.filter(year=year)
    return sets.order_by("-year", "-quarter")
