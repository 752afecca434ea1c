"""The dashboard's grouped counts, cached per month so one write recounts one month.

A single cached grid for thirteen months (the first version) was thrown away by every
work-order write anywhere, and recounting 100,000 orders takes about a second on SQLite,
so on a working desk a manager mostly waited for the cold path. Now each month is
cached on its own:

- the month of the work order's receipt (created_at) gets a new version whenever a work
  order received in it, or a callback on one, is saved (signals below), so a late
  resolution of an August order recounts August only;
- the current month also follows incidents' queue-counts version, which the SLA scan and
  bulk updates (that send no signals) bump;
- past months expire after PAST_TTL anyway, bounding any drift from a write that went
  around both (a raw UPDATE), and the current month after CURRENT_TTL, bounding the
  drift of "missed as of now" when a due point passes with no write at all.
Missing months are counted in one grouped query over their span.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from incidents import metrics
from incidents.selectors import COUNTS_VERSION_KEY

from .periods import Period

CURRENT_TTL = 300  # seconds
PAST_TTL = 60 * 60
_VERSION = "reports:dashboard-month-version:{:%Y-%m}"
_GRID = "reports:dashboard-month:{:%Y-%m}:{}:{}"


def month_changed(received_at: datetime | None) -> None:
    if received_at is None:
        return
    key = _VERSION.format(timezone.localtime(received_at))
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def grid(months: list[Period], now: datetime) -> dict[tuple, metrics.QualityFigures]:
    """(month first day, level id, department id) → figures, for `months` as of `now`."""
    today = timezone.localdate(now)
    global_version = cache.get_or_set(COUNTS_VERSION_KEY, 1, None)
    versions = cache.get_many([_VERSION.format(m.start) for m in months])
    keys = {
        m.start: _GRID.format(
            m.start,
            versions.get(_VERSION.format(m.start), 1),
            global_version if m.end >= today else "past",
        )
        for m in months
    }
    found = cache.get_many(list(keys.values()))
    result: dict[tuple, metrics.QualityFigures] = {}
    missing: list[Period] = []
    for month in months:
        part = found.get(keys[month.start])
        if part is None:
            missing.append(month)
        else:
            result.update(part)
    if missing:
        counted = metrics.quality_counts(
            start=missing[0].start_at,
            end=missing[-1].end_at,
            by=("month", "level", "department"),
            as_of=now,
        )
        per_month: dict[date, dict] = {m.start: {} for m in months}
        for key, figures in counted.items():
            if key[0] in per_month:
                per_month[key[0]][key] = figures
        for month in months:
            if month.start < missing[0].start or month.start > missing[-1].start:
                continue
            part = per_month[month.start]
            if keys[month.start] not in found:
                cache.set(keys[month.start], part, CURRENT_TTL if month.end >= today else PAST_TTL)
            result.update(part)
    return result


def _work_order_saved(sender, instance, **kwargs):
    month_changed(getattr(instance, "created_at", None))


def _callback_saved(sender, instance, **kwargs):
    work_order = getattr(instance, "work_order", None)
    month_changed(getattr(work_order, "created_at", None))


def connect() -> None:
    from incidents.models import Callback, WorkOrder

    for signal in (post_save, post_delete):
        signal.connect(_work_order_saved, sender=WorkOrder, dispatch_uid="reports-month-wo")
        signal.connect(_callback_saved, sender=Callback, dispatch_uid="reports-month-cb")
