"""Daily work-order volumes (DailyVolume): counts over history without counting rows.

One definition of "received": created in the period and not cancelled, as the Pareto
page has always counted. `volumes_refresh` keeps the table current from a periodic scan
(idempotent: each changed day is recounted whole); `received_by_category` reads it and
counts live only the days the table does not hold yet.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .choices import Status
from .models import DailyVolume, RollupState, WorkOrder

ROLLUP = "daily_volume"
# A transaction that saved an order just before a run and committed just after it is
# read by the next run: each run re-reads this much before where the last one stopped.
OVERLAP = timedelta(minutes=5)


def received() -> QuerySet[WorkOrder]:
    """The work orders counted as received (by their creation instant)."""
    return WorkOrder.objects.exclude(status=Status.CANCELLED)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def volumes_refresh(*, now: datetime | None = None) -> int:
    """Recount the days whose work orders were created, changed or cancelled since the
    last run. Returns the number of days recounted."""
    now = now or timezone.now()
    state = RollupState.objects.filter(name=ROLLUP).first()
    changed = WorkOrder.objects.all()
    if state is not None:
        changed = changed.filter(updated_at__gte=state.through - OVERLAP)
    days = sorted(
        set(
            changed.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
            .values_list("day", flat=True)
            .distinct()
        )
    )
    for day in days:
        start, end = _day_bounds(day)
        counts = (
            received()
            .filter(created_at__gte=start, created_at__lt=end)
            .values_list("category")
            .annotate(n=Count("id"))
            .order_by()
        )
        with transaction.atomic():
            DailyVolume.objects.filter(day=day).delete()
            DailyVolume.objects.bulk_create(
                DailyVolume(day=day, category_id=category, count=n) for category, n in counts
            )
    RollupState.objects.update_or_create(name=ROLLUP, defaults={"through": now})
    return len(days)


def received_by_category(*, since: date, until: date) -> Counter:
    """{category id (None: none): work orders received} over the days since..until.

    Days before the last refresh come from DailyVolume; the rest (today, normally) are
    counted live. A change to an older order shows after the next refresh (a minute).
    """
    state = RollupState.objects.filter(name=ROLLUP).first()
    rolled_until = (
        timezone.localdate(state.through) - timedelta(days=1) if state is not None else None
    )
    counts: Counter = Counter()
    live_from = since
    if rolled_until is not None and rolled_until >= since:
        last = min(until, rolled_until)
        for category, n in (
            DailyVolume.objects.filter(day__gte=since, day__lte=last)
            .values_list("category")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            counts[category] += n
        live_from = last + timedelta(days=1)
    if live_from <= until:
        start, _ = _day_bounds(live_from)
        _, end = _day_bounds(until)
        for category, n in (
            received()
            .filter(created_at__gte=start, created_at__lt=end)
            .values_list("category")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[category] += n
    return counts
