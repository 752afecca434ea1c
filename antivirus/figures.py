"""The records behind each count of the virus statistics report (for the reports app's
drill-down): the same filters `selectors.period_statistics` counts with."""

from datetime import date, timedelta

from django.db.models import QuerySet

from .checks import live_endpoints
from .choices import RESOLVED_RESULTS, ProtectionState
from .models import Outbreak, ReinstallRequest, VirusEvent
from .selectors import day_start

ENDPOINT_STATES = {
    "unprotected": ProtectionState.UNPROTECTED,
    "stale": ProtectionState.STALE,
    "not_reporting": ProtectionState.NOT_REPORTING,
    "current": ProtectionState.OK,
}


def virus_records(name: str, *, starts_on: date, ends_on: date, **filters) -> QuerySet:
    """`filters`: threat, department (id), host, result for the event lists."""
    start, end = day_start(starts_on), day_start(ends_on + timedelta(days=1))
    if name in ("events", "unresolved"):
        events = VirusEvent.objects.filter(detected_at__gte=start, detected_at__lt=end)
        if name == "unresolved":
            events = events.exclude(result__in=RESOLVED_RESULTS)
        if "threat" in filters:
            events = events.filter(threat=filters["threat"])
        if "department" in filters:
            events = events.filter(ci__department_id=filters["department"])
        if "host" in filters:
            events = events.filter(host_name=filters["host"])
        if "result" in filters:
            events = events.filter(result=filters["result"])
        return events.select_related("ci__department").order_by("detected_at", "pk")
    if name == "endpoints":
        return live_endpoints().filter(ci__isnull=False).select_related("ci").order_by("pk")
    if name in ENDPOINT_STATES:
        return (
            live_endpoints()
            .filter(ci__isnull=False, state=ENDPOINT_STATES[name])
            .select_related("ci__department")
            .order_by("ci__asset_tag", "pk")
        )
    if name == "outbreaks":
        return Outbreak.objects.filter(first_seen__gte=start, first_seen__lt=end).order_by(
            "first_seen", "pk"
        )
    if name == "reinstalled":
        return (
            ReinstallRequest.objects.filter(done_at__gte=start, done_at__lt=end)
            .select_related("ci", "user__person")
            .order_by("done_at", "pk")
        )
    raise KeyError(name)
