"""Availability of services (plan §6.2.1: 98 % committed) and the outage lists behind it.

    availability = 1 − outage time ÷ scheduled service time

both measured inside the service's window: 7×24 counts every hour; 5×8 counts the
business calendar's working hours (public holidays out, make-up working days in), so a
network outage over a holiday weekend costs a 5×8 application nothing. Overlapping
outages of one service (an emergency and a work order recording the same stop) count
once. An outage still open counts up to the end of the period or now, whichever is
earlier; so does the scheduled time of a period not over yet.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .choices import CIStatus, ServiceWindow
from .models import ConfigurationItem, ServiceOutage

COMMITTED_AVAILABILITY = 0.98  # plan §6.2.1


@dataclass
class ServiceAvailability:
    service: ConfigurationItem
    window: str
    scheduled: timedelta
    down: timedelta
    outages: list = field(default_factory=list)

    @property
    def availability(self) -> float | None:
        if self.scheduled <= timedelta(0):
            return None
        return max(0.0, 1 - self.down / self.scheduled)

    @property
    def met(self) -> bool | None:
        value = self.availability
        return None if value is None else value >= COMMITTED_AVAILABILITY


def service_items():
    """The service CIs: a service window on the item or its class."""
    return ConfigurationItem.objects.filter(
        Q(service_window__gt="") | Q(service_window="", ci_class__service_window__gt="")
    ).select_related("ci_class")


def outages_in(*, start_at: datetime, end_at: datetime, service_ids=None):
    """Outages overlapping [start_at, end_at), oldest first."""
    qs = (
        ServiceOutage.objects.filter(started_at__lt=end_at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start_at))
        .select_related("service__ci_class", "recorded_by__person")
        .order_by("started_at", "pk")
    )
    if service_ids is not None:
        qs = qs.filter(service_id__in=service_ids)
    return qs


def _window_time(window: str, start: datetime, end: datetime, calendar) -> timedelta:
    if end <= start:
        return timedelta(0)
    if window == ServiceWindow.BUSINESS:
        return calendar.between(start, end)
    return end - start


def _merged(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def service_availability(
    *, start_at: datetime, end_at: datetime, now: datetime | None = None
) -> list[ServiceAvailability]:
    """Each service CI in use during the period (or with an outage in it), with its
    scheduled and down time; two queries whatever the number of services and outages."""
    from servicedesk.calendar import business_calendar

    calendar = business_calendar()
    now = now or timezone.now()
    until = min(end_at, now)
    outages = list(outages_in(start_at=start_at, end_at=end_at).exclude(service=None))
    with_outage = {o.service_id for o in outages}
    services = (
        service_items()
        .filter(Q(status__in=[CIStatus.IN_USE, CIStatus.IN_REPAIR]) | Q(pk__in=with_outage))
        .order_by("ci_class__name", "asset_tag")
    )
    by_service: dict[int, list] = {}
    for outage in outages:
        by_service.setdefault(outage.service_id, []).append(outage)
    rows = []
    for service in services:
        window = service.effective_service_window
        own = by_service.get(service.pk, [])
        intervals = [(max(o.started_at, start_at), min(o.ended_at or until, until)) for o in own]
        down = sum(
            (_window_time(window, lo, hi, calendar) for lo, hi in _merged(intervals)),
            timedelta(0),
        )
        for outage in own:
            outage.down_in_window = _window_time(
                window,
                max(outage.started_at, start_at),
                min(outage.ended_at or until, until),
                calendar,
            )
        rows.append(
            ServiceAvailability(
                service=service,
                window=window,
                scheduled=_window_time(window, start_at, until, calendar),
                down=down,
                outages=own,
            )
        )
    return rows


def outage_list(*, user, service_id: int | None = None, open_only: bool = False, source: str = ""):
    qs = (
        ServiceOutage.objects.restrict(user, "view")
        .select_related("service__ci_class", "recorded_by__person")
        .order_by("-started_at", "-pk")
    )
    if service_id:
        qs = qs.filter(service_id=service_id)
    if open_only:
        qs = qs.filter(ended_at__isnull=True)
    if source:
        qs = qs.filter(source=source)
    return qs
