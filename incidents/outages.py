"""A major incident on a service CI is an outage of that service (availability, §6.2.1).

"Major": priority P1, or impact "high" (the whole service or many users stopped). When
such a work order is resolved, the service counts as down from when the work order was
reported to when it was resolved, recorded in cmdb's outage table with the work order's
number. A stop an emergency (or an earlier work order) already recorded for the same
service and time is not recorded twice; the supervisor corrects the times on the outage
page when the report time was not the start of the stop.
"""

from cmdb.choices import OutageSource
from cmdb.services.outages import outage_record_from, outages_overlapping

from .choices import Level3, Priority


def is_major(work_order) -> bool:
    return work_order.priority == Priority.P1 or work_order.impact == Level3.HIGH


def outage_from_work_order(work_order, *, actor):
    """Record the outage of a resolved major incident on a service CI; None when the work
    order is no major incident on a service or its stop is recorded already."""
    service = work_order.device
    if (
        service is None
        or not work_order.resolved_at
        or not is_major(work_order)
        or not service.effective_service_window
    ):
        return None
    start, end = work_order.created_at, work_order.resolved_at
    if outages_overlapping(service=service, start=start, end=end).exists():
        return None
    return outage_record_from(
        source=OutageSource.WORK_ORDER,
        source_number=work_order.number,
        actor=actor,
        service=service,
        started_at=start,
        ended_at=end,
        cause=work_order.title,
    )
