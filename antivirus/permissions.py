"""What each role may do in antivirus, and the refusal functions pages and services share."""

from django.utils.translation import gettext as _

from itsm.permissions import permits
from servicedesk.choices import ApprovalBody, Role
from servicedesk.roles import user_has_role

from .choices import ReinstallStatus
from .models.access import works_antivirus

_READ = [
    "antivirus.view_endpoint",
    "antivirus.view_endpointsnapshot",
    "antivirus.view_virusevent",
    "antivirus.view_consoleimport",
    "antivirus.view_networksegment",
    "antivirus.view_segmentscan",
    "antivirus.view_weeklyevaluation",
    "antivirus.view_outbreak",
    "antivirus.view_reinstallrequest",
    "antivirus.view_coveragesnapshot",
]
_WORK = [
    "antivirus.add_consoleimport",
    "antivirus.change_consoleimport",
    "antivirus.add_segmentscan",
    "antivirus.change_endpoint",
    "antivirus.change_weeklyevaluation",
    "antivirus.add_reinstallrequest",
    "antivirus.change_reinstallrequest",
    "antivirus.add_mappingprofile",
    "antivirus.view_mappingprofile",
    "antivirus.change_outbreak",
]

ROLE_PERMISSIONS = {
    Role.END_USER: ["antivirus.view_endpoint", "antivirus.view_reinstallrequest"],
    Role.SERVICE_DESK: [*_READ],
    Role.ENGINEER: [*_READ, *_WORK],
    Role.SUPERVISOR: [
        *_READ,
        *_WORK,
        "antivirus.add_networksegment",
        "antivirus.change_networksegment",
    ],
    Role.APPROVER: [*_READ],
    Role.MANAGER: [*_READ],
}


def is_information_centre(user) -> bool:
    person = getattr(user, "person", None)
    return bool(
        user_has_role(user, Role.APPROVER)
        and person is not None
        and person.approval_body == ApprovalBody.INFORMATION_CENTRE
    )


def work_refusal(user) -> str:
    """Imports, actions on unprotected machines, evaluations: engineers and supervisors."""
    if works_antivirus(user):
        return ""
    return _("Only engineers and supervisors do this.")


def reinstall_refusal(user, request, action: str) -> str:
    """confirm (as the user or as the information centre), refuse, complete."""
    if not permits(user, request, "view"):
        return _("You cannot see this reinstall request.")
    if action == "confirm":
        side = reinstall_side(user, request)
        if side is None:
            return _("Only the computer's user and the information centre confirm a reinstall.")
        if side == "user" and request.user_confirmed_at:
            return _("The user has confirmed already.")
        if side == "centre" and request.centre_confirmed_at:
            return _("The information centre has confirmed already.")
        return ""
    if action == "refuse":
        if reinstall_side(user, request) is None and not works_antivirus(user):
            return _("Only the user, the information centre or an engineer can refuse it.")
        return ""
    if action == "complete":
        if not works_antivirus(user):
            return _("Only engineers record the reinstall.")
        if request.status != ReinstallStatus.APPROVED:
            return _("Both confirmations are needed first.")
        return ""
    return _("Unknown action.")


def reinstall_side(user, request) -> str | None:
    """Which confirmation `user` gives: "user" (the computer's user), "centre", or None."""
    if user.pk == request.user_id:
        return "user"
    if is_information_centre(user):
        return "centre"
    return None
