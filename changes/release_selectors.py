"""Reads of releases that depend on who is asking, and what a release touches."""

from django.db.models import Count, Q, QuerySet

from cmdb.models import ConfigurationItem

from .choices import RELEASE_CALENDAR_STATUSES
from .models import ChangeAffectedItem, Release, ReleaseTestRecord
from .selectors import ChangeImpact, change_impact


def release_list(
    *, user, status: str = "", type: str = "", query: str = "", application: str = ""
) -> QuerySet[Release]:
    """Releases for everyone who takes part in change management; none for end users."""
    releases = (
        Release.objects.restrict(user, "view")
        .select_related("requester__person", "manager__person")
        .annotate(
            change_count=Count("changes", distinct=True),
            item_count=Count("items", distinct=True),
        )
    )
    if status:
        releases = releases.filter(status=status)
    if type:
        releases = releases.filter(type=type)
    if application:
        releases = releases.filter(application__iexact=application)
    if query:
        releases = releases.filter(
            Q(number__icontains=query)
            | Q(title__icontains=query)
            | Q(application__icontains=query)
            | Q(release_version__icontains=query)
        )
    return releases.order_by("-created_at", "-id")


def release_applications(*, user) -> list[str]:
    return list(
        Release.objects.restrict(user, "view")
        .order_by("application")
        .values_list("application", flat=True)
        .distinct()
    )


def release_get(*, user, number: str) -> Release | None:
    lookup = Q(pk=int(number)) if str(number).isdecimal() else Q(number=number)
    return (
        Release.objects.restrict(user, "view")
        .select_related("requester__person", "manager__person")
        .filter(lookup)
        .first()
    )


def release_changes(*, release) -> list:
    return list(
        release.changes.select_related("owner__person")
        .annotate(item_count=Count("affected_item_links", distinct=True))
        .order_by("number")
    )


def release_affected_items(*, release) -> list[ConfigurationItem]:
    """The release's own items and those of its bundled changes, once each, in one query.

    Two id subqueries on the link tables, not an OR over joins with DISTINCT: at 50,000
    items that one scanned the item table.
    """
    own = Release.items.through.objects.filter(release=release).values("configurationitem_id")
    bundled = ChangeAffectedItem.objects.filter(change__releases=release).values("item_id")
    return list(
        ConfigurationItem.objects.filter(Q(pk__in=own) | Q(pk__in=bundled))
        .select_related("ci_class", "department", "responsible__person")
        .order_by("asset_tag")
    )


def release_impact(*, release, items=None) -> ChangeImpact:
    """Who and what the deployment may disturb: cmdb.cis_impact over the affected items,
    the same reckoning as a change's (VIP users first)."""
    items = release_affected_items(release=release) if items is None else items
    return change_impact(change=None, items=items)


def release_test_records(*, release) -> list[ReleaseTestRecord]:
    """Every test record of every build, newest first."""
    return list(
        release.test_records.select_related("tester__person").order_by(
            "-build", "-tested_at", "-id"
        )
    )


def release_calendar(*, user, start, end) -> list[Release]:
    """Releases whose planned window overlaps [start, end), for the change calendar."""
    return list(
        Release.objects.restrict(user, "view")
        .filter(status__in=RELEASE_CALENDAR_STATUSES, planned_start__lt=end, planned_end__gt=start)
        .only(
            "id",
            "number",
            "application",
            "release_version",
            "title",
            "type",
            "status",
            "planned_start",
            "planned_end",
        )
        .order_by("planned_start", "id")
    )


def releases_in_period(*, start, end) -> QuerySet[Release]:
    """Releases planned (raised) or closed in [start, end), for the monthly summary."""
    return Release.objects.filter(
        Q(created_at__gte=start, created_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
    ).order_by("created_at", "pk")
