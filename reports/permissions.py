"""Who may see and do what with reports: one scope per model, one refusal per action.

Managers and supervisors read every report; the 服务主管 (supervisor) confirms drafts;
approvers of the client's 运维部 / 信息中心 read the reports that need the client's
signature once confirmed, and approve them; supervisors and managers deliver. Managers
and supervisors generate reports. Engineers, the desk and end users see no reports.
"""

from django.utils.translation import gettext as _

from itsm.actors import is_system_user
from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import ReportStatus
from .registry import REPORT_TYPES

READERS = (Role.MANAGER, Role.SUPERVISOR, Role.ADMIN)
GENERATORS = (Role.MANAGER, Role.SUPERVISOR, Role.ADMIN)
CONFIRMERS = (Role.SUPERVISOR, Role.ADMIN)
DELIVERERS = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)

CLIENT_TYPES = tuple(code for code, rt in REPORT_TYPES.items() if rt.client_approval)
CLIENT_VISIBLE = (ReportStatus.CONFIRMED, ReportStatus.APPROVED, ReportStatus.DELIVERED)

ROLE_PERMISSIONS = {
    Role.SUPERVISOR: [
        "reports.view_*",
        "reports.add_report",
        "reports.change_report",
        "reports.add_generationjob",
        "reports.change_reportsetting",
    ],
    Role.MANAGER: [
        "reports.view_*",
        "reports.add_report",
        "reports.change_report",
        "reports.add_generationjob",
    ],
    Role.APPROVER: ["reports.view_report"],
}


def approval_body(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "approval_body", "") or ""


# --- scopes (restrict) -------------------------------------------------------------------


def report_rows(qs, user, action: str):
    if user_has_role(user, *READERS):
        if action in ("view", "deliver") or user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
            return qs
        return qs.none()
    if user_has_role(user, Role.APPROVER) and approval_body(user):
        if action == "view":
            return qs.filter(type__in=CLIENT_TYPES, status__in=CLIENT_VISIBLE)
        if action == "approve":
            return qs.filter(type__in=CLIENT_TYPES, status=ReportStatus.CONFIRMED)
    return qs.none()


def job_rows(qs, user, action: str):
    if user_has_role(user, Role.ADMIN):
        return qs
    if user_has_role(user, *GENERATORS) and action == "view":
        return qs.filter(requested_by=user)
    return qs.none()


# --- refusals ------------------------------------------------------------------------------


def report_refusal(user, report, action: str) -> str:
    """Actions: generate, confirm, approve, deliver, resend ("" = allowed)."""
    system = is_system_user(user)
    if action == "generate":
        if system or user_has_role(user, *GENERATORS):
            return ""
        return _("Only managers and service supervisors generate reports.")
    if report is None or not (system or permits(user, report, "view")):
        return _("You cannot see this report.")
    if report.status == ReportStatus.SUPERSEDED:
        return _("A newer version of this report exists: work on that one.")
    if action == "confirm":
        if not (system or user_has_role(user, *CONFIRMERS)):
            return _("Only the service supervisor confirms a report.")
        if report.status != ReportStatus.DRAFT:
            return _("Only a draft is confirmed.")
        if report.preliminary:
            return _("A preliminary preview is not confirmed: generate it after the period ends.")
        return ""
    if action == "approve":
        if not report.needs_client_approval:
            return _("This report does not need the client's approval.")
        if not (system or (user_has_role(user, Role.APPROVER) and approval_body(user))):
            return _(
                "Only approvers of the operations department or the information centre approve."
            )
        if report.status != ReportStatus.CONFIRMED:
            return _("The service supervisor confirms the report before the client approves it.")
        return ""
    if action == "deliver":
        if not (system or user_has_role(user, *DELIVERERS)):
            return _("Only service supervisors and managers deliver reports.")
        if report.status == ReportStatus.DELIVERED:
            return _("This report was delivered already.")
        if report.status == ReportStatus.DRAFT:
            return _("Confirm the report before delivering it.")
        if report.needs_client_approval and report.status != ReportStatus.APPROVED:
            return _("The client approves this report before it is delivered.")
        return ""
    if action == "resend":
        if not (system or user_has_role(user, *DELIVERERS)):
            return _("Only service supervisors and managers deliver reports.")
        if report.status != ReportStatus.DELIVERED:
            return _("Only a delivered report is mailed again.")
        return ""
    return _("Unknown action.")
