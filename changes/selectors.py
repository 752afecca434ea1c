"""Reads of changes that depend on who is asking, impact, conflicts and the calendar."""

import calendar as pycalendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cmdb.models import ConfigurationItem

from .choices import CALENDAR_STATUSES
from .models import ChangeAffectedItem, ChangeLog, ChangeRequest, FreezePeriod
from .permissions import change_refusal


def change_list(*, user, status: str = "", query: str = "", type: str = "") -> QuerySet:
    """Changes for everyone who takes part in change management; none for end users."""
    changes = (
        ChangeRequest.objects.restrict(user, "view")
        .select_related("requester__person", "owner__person")
        .annotate(item_count=Count("affected_item_links", distinct=True))
    )
    if status:
        changes = changes.filter(status=status)
    if type:
        changes = changes.filter(type=type)
    if query:
        changes = changes.filter(Q(number__icontains=query) | Q(summary__icontains=query))
    return changes.order_by("-created_at", "-id")


def change_get(*, user, number: str) -> ChangeRequest | None:
    lookup = Q(pk=int(number)) if str(number).isdecimal() else Q(number=number)
    return (
        ChangeRequest.objects.restrict(user, "view")
        .select_related("requester__person", "owner__person", "template")
        .filter(lookup)
        .first()
    )


def change_items(*, change) -> list[ConfigurationItem]:
    return list(
        change.affected_items.select_related(
            "ci_class", "department", "responsible__person"
        ).order_by("asset_tag")
    )


# --- impact ---------------------------------------------------------------------------


class _UserLevels(Mapping):
    """{user id: effective service level} of the affected users, read from the answer."""

    def __init__(self, impact):
        self._users = impact.users
        self._levels = getattr(impact.users, "levels", {})

    def __getitem__(self, pk):
        if pk not in self._levels:
            raise KeyError(pk)
        return self._users.level_of(pk)

    def __iter__(self):
        return iter(self._levels)

    def __len__(self):
        return len(self._levels)


@dataclass
class ChangeImpact:
    """Everything the change may disturb: cmdb.cis_impact over its items together.

    items_changed: the change's own items (a list of instances).
    items: every item that depends on one of them (not themselves), nearest first.
    users: VIPs (highest service level) first, then by name; `levels[user.pk]` is each
    user's effective level; user_counts [(level or None, n)] highest level first.
    `items` and `users` are complete sequences built on reading (cmdb.services.Impact):
    a page shows their first rows, a notice reads them all.
    """

    items_changed: list = field(default_factory=list)
    items: Sequence = field(default_factory=list)
    users: Sequence = field(default_factory=list)
    departments: list = field(default_factory=list)
    levels: Mapping = field(default_factory=dict)
    user_counts: list = field(default_factory=list)
    service_levels: list = field(default_factory=list)
    impact: object = None  # the cmdb.services.Impact it was read from

    def user_level(self, user):
        return self.impact.user_level(user) if self.impact is not None else None


def change_impact(*, change, items=None) -> ChangeImpact:
    """The union impact of the change's items: one cmdb walk from all of them, so a
    fixed number of queries however many items the change touches."""
    from cmdb.services import cis_impact

    items = change_items(change=change) if items is None else list(items)
    impact = cis_impact(cis=items)
    return ChangeImpact(
        items_changed=items,
        items=impact.items,
        users=impact.users,
        departments=impact.departments,
        levels=_UserLevels(impact),
        user_counts=impact.user_counts,
        service_levels=impact.service_levels,
        impact=impact,
    )


# --- conflicts and the calendar ---------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    first_id: int
    second_id: int
    item_id: int


def change_conflicts(*, start: datetime, end: datetime, change_id: int | None = None):
    """Pairs of changes that touch the same item in overlapping windows within [start, end).

    One self-join of the affected-items table on the item, each side joined to its
    change for the window; indexes: (item, change) and (planned_start, planned_end).
    With `change_id`, only the pairs that include that change.
    """
    items = connection.ops.quote_name(ChangeAffectedItem._meta.db_table)
    changes = connection.ops.quote_name(ChangeRequest._meta.db_table)
    statuses = list(CALENDAR_STATUSES)
    marks = ", ".join(["%s"] * len(statuses))
    sql = (
        f"SELECT a.change_id, b.change_id, a.item_id "  # noqa: S608 (table names are ours)
        f"FROM {items} a "
        f"JOIN {items} b ON b.item_id = a.item_id AND b.change_id > a.change_id "
        f"JOIN {changes} ca ON ca.id = a.change_id "
        f"JOIN {changes} cb ON cb.id = b.change_id "
        f"WHERE ca.planned_start < %s AND ca.planned_end > %s "
        f"AND cb.planned_start < %s AND cb.planned_end > %s "
        f"AND cb.planned_start < ca.planned_end AND ca.planned_start < cb.planned_end "
        f"AND ca.status IN ({marks}) AND cb.status IN ({marks})"
    )
    params = [end, start, end, start, *statuses, *statuses]
    if change_id is not None:
        sql += " AND (a.change_id = %s OR b.change_id = %s)"
        params += [change_id, change_id]
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY a.change_id, b.change_id, a.item_id", params)
        return [Conflict(*row) for row in cursor.fetchall()]


def change_conflicts_for(*, change) -> list[tuple[ChangeRequest, ConfigurationItem]]:
    """The other changes that touch one of this change's items in an overlapping window."""
    if not (change.planned_start and change.planned_end):
        return []
    pairs = change_conflicts(
        start=change.planned_start, end=change.planned_end, change_id=change.pk
    )
    others = {p.second_id if p.first_id == change.pk else p.first_id for p in pairs}
    by_id = ChangeRequest.objects.in_bulk(others)
    items = ConfigurationItem.objects.in_bulk({p.item_id for p in pairs})
    return [
        (by_id[p.second_id if p.first_id == change.pk else p.first_id], items[p.item_id])
        for p in pairs
    ]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    first = date(year, month, 1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.combine(first, time.min), zone),
        timezone.make_aware(datetime.combine(following, time.min), zone),
    )


@dataclass
class CalendarMonth:
    year: int
    month: int
    weeks: list  # [[(date, in_month, [changes], [freezes], [releases])]]
    changes: list
    conflicts: list  # [(first change, second change, item)]
    conflicting_ids: set
    freezes: list
    releases: list = field(default_factory=list)


def _days(start, end, zone, first_day, last_day):
    """The local days a window occupies within [first_day, last_day]; a window ending at
    midnight does not occupy the next day."""
    day = max(timezone.localtime(start, zone).date(), first_day)
    last = min(timezone.localtime(end - timedelta(microseconds=1), zone).date(), last_day)
    while day <= last:
        yield day
        day += timedelta(days=1)


def change_calendar(*, user, year: int, month: int) -> CalendarMonth:
    """The month's changes and releases by planned window, day by day, with conflicts
    and freezes.

    A fixed number of queries however many changes: the changes, the conflict join,
    the items, the freeze periods and the releases.
    """
    from .release_selectors import release_calendar

    start, end = month_bounds(year, month)
    visible = ChangeRequest.objects.restrict(user, "view")
    changes = list(
        visible.filter(status__in=CALENDAR_STATUSES, planned_start__lt=end, planned_end__gt=start)
        .only("id", "number", "summary", "type", "status", "planned_start", "planned_end")
        .order_by("planned_start", "id")
    )
    pairs = change_conflicts(start=start, end=end) if changes else []
    by_id = {c.pk: c for c in changes}
    missing = {i for p in pairs for i in (p.first_id, p.second_id)} - set(by_id)
    by_id.update(ChangeRequest.objects.in_bulk(missing))
    items = ConfigurationItem.objects.in_bulk({p.item_id for p in pairs})
    conflicts = [(by_id[p.first_id], by_id[p.second_id], items[p.item_id]) for p in pairs]
    conflicting = {i for p in pairs for i in (p.first_id, p.second_id)}
    freezes = list(FreezePeriod.objects.filter(start__lt=end, end__gt=start))

    releases = release_calendar(user=user, start=start, end=end)

    zone = timezone.get_current_timezone()
    first_day = date(year, month, 1)
    last_day = timezone.localtime(end, zone).date() - timedelta(days=1)
    per_day: dict[date, list] = {}
    for change in changes:
        for day in _days(change.planned_start, change.planned_end, zone, first_day, last_day):
            per_day.setdefault(day, []).append(change)
    release_days: dict[date, list] = {}
    for release in releases:
        for day in _days(release.planned_start, release.planned_end, zone, first_day, last_day):
            release_days.setdefault(day, []).append(release)
    frozen: dict[date, list] = {}
    for freeze in freezes:
        day = timezone.localtime(freeze.start, zone).date()
        last = timezone.localtime(freeze.end - timedelta(microseconds=1), zone).date()
        while day <= last:
            frozen.setdefault(day, []).append(freeze)
            day += timedelta(days=1)
    weeks = [
        [
            (d, d.month == month, per_day.get(d, []), frozen.get(d, []), release_days.get(d, []))
            for d in week
        ]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    return CalendarMonth(year, month, weeks, changes, conflicts, conflicting, freezes, releases)


def change_log_list(*, user) -> QuerySet[ChangeLog]:
    # The log is read by whoever may read changes (one rule: the changes' own).
    if change_refusal(user, None, "view"):
        return ChangeLog.objects.none()
    return ChangeLog.objects.select_related("actor__person", "change", "release").order_by(
        "-at", "-id"
    )


def implementers():
    """Who may implement a change or manage a release: active engineers and supervisors."""
    from django.contrib.auth import get_user_model

    from servicedesk.choices import Role

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.ENGINEER, Role.SUPERVISOR])
        .select_related("person")
        .distinct()
        .order_by("person__name", "username")
    )


def changes_in_period(*, start: datetime, end: datetime) -> QuerySet[ChangeRequest]:
    """Requests for change raised or closed in [start, end), for the monthly summary."""
    return (
        ChangeRequest.objects.filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(closed_at__gte=start, closed_at__lt=end)
        )
        .select_related("owner__person")
        .order_by("created_at", "pk")
    )
