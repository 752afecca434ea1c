"""Reinstall confirmations waiting for a person, for the approvals inbox."""

from django.db.models import Q
from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision

from .choices import ReinstallStatus
from .models import ReinstallRequest
from .permissions import is_information_centre


def reinstall_decisions_pending(user):
    """Requests waiting for `user`'s confirmation: as the computer's user, or as the
    information centre. One query."""
    waiting = Q(user=user, user_confirmed_at__isnull=True)
    if is_information_centre(user):
        waiting |= Q(centre_confirmed_at__isnull=True)
    rows = (
        ReinstallRequest.objects.restrict(user, "view")
        .filter(
            waiting,
            status__in=[
                ReinstallStatus.REQUESTED,
                ReinstallStatus.USER_CONFIRMED,
                ReinstallStatus.CENTRE_CONFIRMED,
            ],
        )
        .select_related("work_order", "requested_by__person", "ci")
    )
    for request in rows:
        person = getattr(request.requested_by, "person", None)
        yield PendingDecision(
            process="antivirus",
            kind=_("System reinstall confirmation"),
            number=request.work_order.number,
            title=request.ci.name if request.ci_id else request.work_order.title,
            requested_by=person.name if person else request.requested_by.username,
            since=request.requested_at,
            url=request.get_absolute_url(),
        )
