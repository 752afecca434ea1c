"""Bulk seeding of work orders, shared by the demo's history and the benchmarks
(`incidents.bench_seed`, `reports_bench`): SLA targets and clocks computed once per slot,
form numbers reserved per day, and inserts that keep the timestamps they are given."""

from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

from django.utils import timezone

from itsm.services import numbers_reserve
from servicedesk.models import ServiceLevel

from . import sla
from .models import SlaPolicy


@contextmanager
def historic_timestamps(model):
    """Let a bulk insert keep the `created_at`/`updated_at` we set instead of "now".

    auto_now_add and auto_now overwrite them on insert; a seed replaying history needs
    its own. Only for single-process seeding commands: the flags are class-wide.
    """
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
              or getattr(f, "auto_now_add", False)]  # fmt: skip
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def sla_target_table() -> dict[tuple[int, str], tuple[timedelta, timedelta]]:
    """(level id, priority) → (response, resolution) targets, as services.sla_targets gives."""
    table = {}
    for level in ServiceLevel.objects.all():
        for priority in ("P1", "P2", "P3", "P4"):
            table[(level.pk, priority)] = (
                timedelta(minutes=level.response_minutes),
                timedelta(minutes=level.resolution_minutes),
            )
    for policy in SlaPolicy.objects.all():
        table[(policy.service_level_id, policy.priority)] = (
            timedelta(minutes=policy.response_minutes),
            timedelta(minutes=policy.resolution_minutes),
        )
    return table


def sla_clocks(calendar, targets):
    """A cached `clocks(start, level_id, priority) -> (response, resolution)` thresholds
    function for bulk seeding (the demo's history, the benchmarks): synthetic orders share
    start slots, so the business-time arithmetic is done once per slot."""
    cache: dict = {}

    def clocks(start, level_id, priority):
        key = (start, level_id, priority)
        if key not in cache:
            response, resolution = targets[(level_id, priority)]
            cache[key] = (
                sla.clock_thresholds(calendar, start=start, target=response),
                sla.clock_thresholds(calendar, start=start, target=resolution),
            )
        return cache[key]

    return clocks


def numbers_for(code: str, instants) -> dict:
    """Form numbers reserved for work orders created at `instants`, by local day."""
    per_day = defaultdict(int)
    for instant in instants:
        per_day[timezone.localdate(instant)] += 1
    return numbers_reserve(code=code, per_day=per_day)
