"""Who may see and do what in the emergency process: one row rule per model, one refusal
function per action (pages show or grey a button with it, services refuse with it)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from itsm.permissions import permits
from servicedesk.choices import ApprovalBody, Role
from servicedesk.roles import user_has_role

from .choices import ResourceStatus, Status

ROLE_PERMISSIONS = {
    Role.SERVICE_DESK: ["emergencies.view_*"],
    # The API's model permission to create; which emergency is the row rule's business.
    Role.ENGINEER: [
        "emergencies.view_*",
        "emergencies.add_resourcerequest",
        "emergencies.add_drill",
        "emergencies.add_facilityincident",
        "emergencies.change_facilityincident",
    ],
    Role.SUPERVISOR: ["emergencies.*"],
    Role.MANAGER: ["emergencies.view_*"],
    Role.APPROVER: [
        "emergencies.view_emergency",
        "emergencies.view_resourcerequest",
        "emergencies.view_drill",
        "emergencies.view_facilityincident",
    ],
}

READ_ROLES = (Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
LEAD_ROLES = (Role.SUPERVISOR, Role.ADMIN)
DESK_ROLES = (Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)


def is_information_centre(user) -> bool:
    person = getattr(user, "person", None)
    return bool(person and person.approval_body == ApprovalBody.INFORMATION_CENTRE)


def _team_q(user, prefix: str = "") -> Q:
    """The emergencies `user` commands or is a member of."""
    return Q(**{f"{prefix}commander": user}) | Q(**{f"{prefix}team__user": user})


def emergency_rows(qs, user, action: str):
    """Rows of `qs` (emergencies) that `user` may `action`.

    view: IT staff and the information centre see all; anyone else the ones they are on
    the team of. work (plan, record, update, resources, outages, team): supervisors, the
    commander and the team. attach (child work orders): those and the service desk.
    approve: the information centre, while the application waits. evaluate/close: the
    supervisors and the commander.
    """
    lead = user_has_role(user, *LEAD_ROLES)
    if action == "view":
        if user_has_role(user, *READ_ROLES) or is_information_centre(user):
            return qs
        return qs.filter(_team_q(user)).distinct()
    if action == "approve":
        if not is_information_centre(user):
            return qs.none()
        return qs.filter(status=Status.REQUESTED)
    if action == "declare":
        return qs if lead else qs.none()
    if action in ("work", "attach"):
        if lead or (action == "attach" and user_has_role(user, *DESK_ROLES)):
            return qs
        return qs.filter(_team_q(user)).distinct()
    if action in ("evaluate", "close"):
        return qs if lead else qs.filter(commander=user)
    return qs.none()


def resource_rows(qs, user, action: str):
    """Resource requests: seen with their emergency; decided (approve, reject, confirm) by the
    team but never by the one who asked; the result recorded by the team."""
    from .models import Emergency

    visible = Emergency.objects.all().restrict(user, "view" if action == "view" else "work")
    qs = qs.filter(emergency__in=visible)
    if action == "decide":
        qs = qs.exclude(requested_by=user)
    return qs


_EMERGENCY_REFUSALS = {
    "view": lambda: _("You cannot see this emergency."),
    "approve": lambda: _("Only the information centre approves an emergency application."),
    "work": lambda: _("Only the service supervisor, the commander or the team can do this."),
    "attach": lambda: _(
        "Only the service desk, the supervisor, the commander or the team can attach work orders."
    ),
    "evaluate": lambda: _("Only the service supervisor or the commander evaluates a round."),
    "close": lambda: _("Only the service supervisor or the commander closes an emergency."),
}


def declare_refusal(user) -> str:
    if user_has_role(user, *LEAD_ROLES):
        return ""
    return _("Only the service supervisor declares an emergency.")


def emergency_refusal(user, emergency, action: str) -> str:
    """Why `user` may not `action` `emergency` ("" when they may)."""
    if action == "approve" and emergency.status != Status.REQUESTED:
        return _("This emergency is not awaiting approval.")
    if permits(user, emergency, action):
        return ""
    return _EMERGENCY_REFUSALS[action]()


def resource_refusal(user, resource, action: str, *, permitted: bool | None = None) -> str:
    """Why `user` may not `action` ("decide", "record", "view") this resource request.

    `permitted`: the row rule's answer when the caller already has it for many rows
    (a page listing them asks `restrict` once instead of once per row)."""
    if action == "decide" and resource.requested_by_id == user.pk:
        return _("You asked for this resource; another member of the team must decide.")
    if action == "decide" and resource.status not in (
        ResourceStatus.REQUESTED,
        ResourceStatus.DONE,
    ):
        return _("This resource request is not waiting for the team.")
    if permitted is None:
        permitted = permits(user, resource, "work" if action == "record" else action)
    if permitted:
        return ""
    if action == "view":
        return _("You cannot see this resource request.")
    return _("Only the emergency team can decide on or work resource requests.")


# --- drills and facility incidents ----------------------------------------------------

FACILITY_WRITE_ROLES = (Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)


def facility_rows(qs, user, action: str):
    """Drills and facility incidents: IT staff, approvers and the information centre read
    them; engineers and supervisors record drills and write incidents up (drafts only);
    the supervisor (the department head here) reviews and reports upward."""
    from .models import FacilityIncident

    if action == "view":
        if user_has_role(user, *READ_ROLES, Role.APPROVER) or is_information_centre(user):
            return qs
        return qs.none()
    if action == "write":
        if not user_has_role(user, *FACILITY_WRITE_ROLES):
            return qs.none()
        if qs.model is FacilityIncident:
            return qs.filter(status="draft")
        return qs
    if action in ("review", "report"):
        if not user_has_role(user, *LEAD_ROLES):
            return qs.none()
        return qs.filter(status="draft" if action == "review" else "reviewed")
    return qs.none()


def drill_refusal(user, drill=None, action: str = "record") -> str:
    if user_has_role(user, *FACILITY_WRITE_ROLES):
        return ""
    return _("Only engineers and supervisors record drills.")


def facility_incident_refusal(user, incident, action: str) -> str:
    """Why `user` may not `action` ("create", "edit", "review", "report") `incident`."""
    if action == "create":
        if user_has_role(user, *FACILITY_WRITE_ROLES):
            return ""
        return _("Only engineers and supervisors write up facility incidents.")
    if action == "edit":
        if incident.status != "draft":
            return _("Only a report being written up can be changed; this one is “%(status)s”.") % {
                "status": incident.get_status_display()
            }
        if permits(user, incident, "write"):
            return ""
        return _("Only engineers and supervisors write up facility incidents.")
    if action in ("review", "report"):
        wanted = "draft" if action == "review" else "reviewed"
        if incident.status != wanted:
            if action == "review":
                message = _("A report that is “%(status)s” cannot be reviewed.")
            else:
                message = _("A report that is “%(status)s” cannot be reported upward.")
            return message % {"status": incident.get_status_display()}
        if action == "review" and not (incident.cause.strip() and incident.actions.strip()):
            return _("Write down the cause and the actions taken before the review.")
        if permits(user, incident, action):
            return ""
        return _("Only the service supervisor reviews a facility incident and reports it upward.")
    return _("Unknown action.")
