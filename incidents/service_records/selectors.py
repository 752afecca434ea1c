"""Reads of service records (运行服务单), restricted by who asks (incidents.permissions)."""

from django.http import Http404
from django.utils.translation import gettext as _

from ..choices import ServiceRecordStatus
from ..models import ServiceRecord

RECORD_RELATED = (
    "work_order__requester__person",
    "work_order__department",
    "work_order__location",
    "work_order__device",
    "work_order__assignee__person",
    "engineer__person",
    "confirmed_by__person",
    "reviewed_by__person",
)


def review_missing(work_order) -> list[str]:
    """The numbers of the order's service records the desk has not accepted (none for an
    order without on-site records): the callback waits for them (§6.3.3 (6))."""
    return list(
        work_order.service_records.exclude(status=ServiceRecordStatus.ACCEPTED)
        .order_by("pk")
        .values_list("number", flat=True)
    )


def review_first_message(numbers) -> str:
    return _(
        "Review the service records first: %(numbers)s not accepted yet. The desk reviews "
        "the engineer's service records before calling the user back."
    ) % {"numbers": ", ".join(numbers)}


def work_order_service_records(*, work_order) -> list[ServiceRecord]:
    """The records of a work order its page shows (whoever sees the order sees them): one
    query (none when the order's read found there are none)."""
    from incidents.selectors import has_none

    if has_none(work_order, "service_records"):
        return []
    return list(work_order.service_records.select_related("engineer__person").order_by("pk"))


def service_record_get(*, user, number: str) -> ServiceRecord:
    """One record with what its page and print show; 404 when `user` may not see it."""
    record = (
        ServiceRecord.objects.restrict(user, "view")
        .select_related(*RECORD_RELATED)
        .filter(number=number)
        .first()
    )
    if record is None:
        raise Http404
    return record


def service_record_list(*, user, status: str = ""):
    """The records `user` may see, newest first; `status` narrows to one review state."""
    records = ServiceRecord.objects.restrict(user, "view").select_related(
        "work_order", "engineer__person"
    )
    if status:
        records = records.filter(status=status)
    return records.order_by("-created_at", "-pk")


def service_record_parts(record) -> list:
    """The spare requisitions the record links to, with their part types: one query."""
    return list(record.requisitions.select_related("stock__part_type").order_by("pk"))
