"""The service records waiting for the desk's review, for the approvals inbox
(itsm.approvals): those the served user has confirmed (the desk can accept them now),
read with `restrict(user, "review")`, the rule the record's page and the service use.
One query however many are waiting."""

from __future__ import annotations

from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision
from servicedesk.roles import user_has_role

from ..choices import ServiceRecordStatus
from ..models import ServiceRecord
from ..permissions import DESK_ROLES


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def service_records_to_review(user):
    if not (user.is_superuser or user_has_role(user, *DESK_ROLES)):
        return  # only the desk reviews: no query for anyone else's home page
    records = (
        ServiceRecord.objects.restrict(user, "review")
        .filter(status=ServiceRecordStatus.SUBMITTED, confirmed_at__isnull=False)
        .select_related("work_order", "engineer__person")
        .order_by("confirmed_at", "pk")
    )
    for record in records:
        yield PendingDecision(
            process="incidents",
            kind=_("Service record review (运行服务单)"),
            number=record.number,
            title=record.work_order.title,
            requested_by=_name(record.engineer),
            since=record.confirmed_at,
            url=record.get_absolute_url(),
        )
