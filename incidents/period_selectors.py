"""Work-order figures over a period, as the reports read them: orders open at an instant,
SLA breaches, business-time durations, call-backs, complaints and repeat devices. Reports
import these; incidents never imports reports. (Reads for pages that depend on who is
asking are in selectors.)"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from .models import HoldPeriod, WorkOrder


def work_orders_open_at(*, at) -> QuerySet[WorkOrder]:
    """The backlog at instant `at`: received before it, neither resolved nor closed nor
    cancelled before it. Read from today's timestamps, so an order resolved before `at`
    and reopened after it counts as open (a reopen clears the resolution time). History
    imported from the previous system is left out, as from every service figure."""
    return WorkOrder.objects.filter(created_at__lt=at, imported_at__isnull=True).exclude(
        Q(resolved_at__lt=at) | Q(closed_at__lt=at)
    )


@dataclass(frozen=True)
class SlaMiss:
    """A work order that missed a contract clock, by how much business time."""

    work_order_id: int
    number: str
    title: str
    service_level_id: int
    clock: str  # "response" | "resolution"
    due_at: datetime
    actual_at: datetime | None  # None: not answered / not resolved yet
    late_by: timedelta  # business time past the due point (up to `as_of` when still open)


def _holds_by_order(order_ids) -> dict[int, list]:
    """Work order id → its holds [(start, end)], oldest first; `order_ids` a list or a
    subquery."""
    holds: dict[int, list] = {}
    rows = HoldPeriod.objects.filter(work_order_id__in=order_ids).order_by("started_at")
    for order_id, started, ended in rows.values_list("work_order_id", "started_at", "ended_at"):
        holds.setdefault(order_id, []).append((started, ended))
    return holds


def _targets() -> tuple[dict, dict]:
    """(level, priority) → (response, resolution) targets and level → targets, read once."""
    from servicedesk.models import ServiceLevel

    from .models import SlaPolicy

    policies = {
        (p.service_level_id, p.priority): (
            timedelta(minutes=p.response_minutes),
            timedelta(minutes=p.resolution_minutes),
        )
        for p in SlaPolicy.objects.all()
    }
    levels = {
        level.pk: (
            timedelta(minutes=level.response_minutes),
            timedelta(minutes=level.resolution_minutes),
        )
        for level in ServiceLevel.objects.all()
    }
    return policies, levels


def sla_breaches(
    response_missed: QuerySet[WorkOrder],
    resolution_missed: QuerySet[WorkOrder],
    *,
    as_of,
    calendar,
) -> list[SlaMiss]:
    """The due point, the action and the business time late of every work order in the
    two lists, for display beside them.

    Which orders missed is not decided here: the callers pass
    `incidents.metrics.records("response_missed" / "resolution_missed")`, the one
    definition, and every order passed is listed (none dropped, none added). Lateness:
    business time from the due point to the action, or to `as_of` when there is none yet.
    The resolution due point of a resolved order is replayed from its holds before the
    fix (resolving opens a hold, which blanks the stored due instant). Three queries
    whatever the number of rows.
    """
    from . import sla

    fields = (
        "pk", "number", "title", "service_level_id", "priority", "created_at",
        "responded_at", "response_due_at", "resolved_at", "resolve_due_at",
    )  # fmt: skip
    response_rows = response_missed.order_by().values_list(*fields)
    resolution_rows = list(resolution_missed.order_by().values_list(*fields))
    resolved_ids = [row[0] for row in resolution_rows if row[8] is not None]
    holds = _holds_by_order(resolved_ids) if resolved_ids else {}
    policies, levels = _targets() if resolved_ids else ({}, {})

    def late(due, actual):
        actual = actual or as_of
        return calendar.between(due, actual) if due is not None and actual > due else timedelta(0)

    misses = []
    for pk, number, title, level, _priority, _created, responded, due, _r, _rd in response_rows:
        misses.append(
            SlaMiss(pk, number, title, level, "response", due, responded, late(due, responded))
        )
    for pk, number, title, level, priority, created, _a, _b, resolved, due in resolution_rows:
        if resolved is not None:
            target = policies.get((level, priority)) or levels[level]
            paused = sla.holds_before(holds.get(pk, []), resolved)
            due = sla.clock_thresholds(
                calendar, start=created, target=target[1], holds=paused
            ).due_at
        misses.append(
            SlaMiss(pk, number, title, level, "resolution", due, resolved, late(due, resolved))
        )
    return misses


def business_durations(orders: QuerySet[WorkOrder], *, calendar) -> list[tuple]:
    """(service level id, response time, restore time) per order, in business time.

    Response: received (created_at) → first response (responded_at), holds before the
    response excluded (the response clock pauses on hold). Restore: received → resolved
    (resolved_at), holds before the fix excluded. None where the order has no such time.
    Two queries whatever the number of rows.
    """
    from . import sla

    timed = orders.filter(Q(responded_at__isnull=False) | Q(resolved_at__isnull=False))
    rows = list(
        timed.values_list("pk", "service_level_id", "created_at", "responded_at", "resolved_at")
    )
    # A subquery, not a list of thousands of ids as parameters.
    holds = _holds_by_order(timed.values("pk")) if rows else {}
    result = []
    for pk, level, created, responded, resolved in rows:
        own = holds.get(pk, [])

        def elapsed(stop, own=own, created=created):
            if stop is None:
                return None
            return sla.business_elapsed(
                calendar, start=created, now=stop, holds=sla.holds_before(own, stop)
            )

        result.append((level, elapsed(responded), elapsed(resolved)))
    return result


def complaints_in_period(*, start, end):
    """Complaints raised in [start, end), oldest first, with their work order and engineer."""
    from .models import Complaint

    return (
        Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("work_order", "engineer__person")
        .order_by("created_at", "pk")
    )


def callback_totals(orders: QuerySet[WorkOrder]) -> dict:
    """Work orders among `orders` called back at least once, and the mean satisfaction the
    users gave on the callbacks that reached them (kept apart from their own ratings)."""
    from django.db.models import Avg

    from .models import Callback

    return Callback.objects.filter(work_order__in=orders).aggregate(
        orders=Count("work_order", distinct=True),
        mean=Avg("satisfaction", filter=Q(outcome="reached")),
    )


def service_levels_with_p1() -> tuple[list, dict[int, int]]:
    """The service levels, highest first, and each level's P1 response minutes (the SLA
    policy may be stricter than the level for P1)."""
    from servicedesk.models import ServiceLevel

    from .models import SlaPolicy

    p1 = dict(
        SlaPolicy.objects.filter(priority="P1").values_list("service_level_id", "response_minutes")
    )
    return list(ServiceLevel.objects.order_by("-rank")), p1


def devices_with_repeats(orders: QuerySet[WorkOrder], *, minimum: int = 2):
    """Devices named on at least `minimum` of `orders`."""
    from cmdb.models import ConfigurationItem

    ids = (
        orders.filter(device__isnull=False)
        .order_by()  # a grouping: no ordering column may join the GROUP BY
        .values("device_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=minimum)
        .values("device_id")
    )
    return ConfigurationItem.objects.filter(pk__in=ids).order_by("asset_tag")
