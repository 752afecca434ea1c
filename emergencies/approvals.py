"""What waits for a person in the emergency process, for the approvals inbox.

Emergency applications waiting for the information centre, and resource requests waiting
for the team (never one's own). Two queries, from the same row rules the pages use.
"""

from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision

from .choices import ResourceStatus, Status
from .models import Emergency, ResourceRequest


def _name(user) -> str:
    person = getattr(user, "person", None)
    return (getattr(person, "name", "") or "") or user.get_username()


def emergency_decisions_pending(user):
    found = []
    applications = (
        Emergency.objects.all()
        .restrict(user, "approve")
        .filter(status=Status.REQUESTED)
        .select_related("declared_by__person")
    )
    for emergency in applications:
        found.append(
            PendingDecision(
                process="emergencies",
                kind=_("Emergency application"),
                number=emergency.number,
                title=emergency.title,
                requested_by=_name(emergency.declared_by),
                since=emergency.created_at,
                url=emergency.get_absolute_url(),
            )
        )
    resources = (
        ResourceRequest.objects.all()
        .restrict(user, "decide")
        .filter(status__in=[ResourceStatus.REQUESTED, ResourceStatus.DONE])
        .select_related("emergency", "requested_by__person")
    )
    for request in resources:
        found.append(
            PendingDecision(
                process="emergencies",
                kind=_("Resource request")
                if request.status == ResourceStatus.REQUESTED
                else _("Resource result to confirm"),
                number=request.number,
                title=request.description[:200],
                requested_by=_name(request.requested_by),
                since=request.created_at,
                url=request.get_absolute_url(),
            )
        )
    return found


def facility_incidents_pending(user):
    """Facility incidents waiting for the supervisor's review or report upward: one query."""
    from .models import FacilityIncident

    review = FacilityIncident.objects.all().restrict(user, "review")
    report = FacilityIncident.objects.all().restrict(user, "report")
    rows = (review | report).select_related("written_by__person").order_by("created_at")
    return [
        PendingDecision(
            process="emergencies",
            kind=_("Facility incident to review")
            if incident.status == "draft"
            else _("Facility incident to report upward"),
            number=incident.number,
            title=incident.title,
            requested_by=_name(incident.written_by),
            since=incident.created_at,
            url=incident.get_absolute_url(),
        )
        for incident in rows
    ]
