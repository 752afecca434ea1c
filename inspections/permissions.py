"""Who may do what in inspections: role permissions and one refusal function per thing.

The querysets in models/querysets.py are the rule; the refusals below derive from them
(through `permits`) and add the reason a page shows beside a greyed button.
"""

from django.utils.translation import gettext as _

from itsm.actors import is_system_user
from itsm.permissions import permits
from servicedesk.choices import Role

from . import rules
from .choices import ApprovalStatus, DiscrepancyStatus

ROLE_PERMISSIONS = {
    Role.ENGINEER: [
        "inspections.view_*",
        "inspections.add_inspectionplan",
        "inspections.change_inspectionplan",
        "inspections.add_inspectionrecord",
        "inspections.change_inspectionrecord",
        "inspections.add_inspectionreport",
        "inspections.change_inspectionreport",
        "inspections.add_facilitycheck",
        "inspections.add_backuprecord",
        "inspections.add_restoretest",
    ],
    Role.SUPERVISOR: ["inspections.*"],
    Role.APPROVER: [
        "inspections.view_inspectionplan",
        "inspections.view_inspectionreport",
        "inspections.view_inspectionrecord",
        "inspections.view_inspectionapproval",
        "inspections.view_discrepancy",
        "inspections.view_facility",
        "inspections.view_facilitycheck",
        "inspections.view_backupplan",
    ],
    Role.MANAGER: ["inspections.view_*"],
}


def plan_refusal(user, plan, action: str) -> str:
    """Why `user` may not `action` ("create", "edit", "submit", "approve", "inspect") `plan`."""
    if action == "create":
        # The monthly job drafts next month's plan as the system actor.
        if rules.is_author(user) or is_system_user(user):
            return ""
        return _("Only engineers and supervisors draft plans.")
    if action in ("edit", "submit"):
        if plan.status != ApprovalStatus.DRAFT:
            return _("Only a draft plan can be changed; this one is “%(status)s”.") % {
                "status": plan.get_status_display()
            }
        if not permits(user, plan, "change"):
            return _("Only the plan's engineers or a supervisor can change it.")
        if action == "submit" and not plan.devices.exists():
            return _("The plan has no devices: check its scope.")
        return ""
    if action == "approve":
        if plan.status not in rules.APPROVAL_STATUSES:
            return _("This plan is not waiting for approval.")
        if not permits(user, plan, "approve"):
            return _("Waiting for %(step)s: you do not sign this step.") % {
                "step": plan.get_status_display()
            }
        return ""
    if action == "inspect":
        if plan.status != ApprovalStatus.APPROVED:
            return _("Rounds start once the plan is approved.")
        from .models import InspectionReport

        if InspectionReport.objects.filter(plan=plan, status=ApprovalStatus.APPROVED).exists():
            return _("This record is locked: the month's report is approved.")
        if not permits(user, plan, "inspect"):
            return _("Only the plan's engineers or a supervisor record inspections.")
        return ""
    return _("Unknown action.")


def record_refusal(user, record, action: str) -> str:
    if record.locked:
        return _("This record is locked: the month's report is approved.")
    if not permits(user, record, "change"):
        return _("Only the engineer who made this record or a supervisor can change it.")
    return ""


def report_refusal(user, report, action: str) -> str:
    """`report` may be None for "create" (then pass the plan as `report.plan`-less call)."""
    if action in ("edit", "submit"):
        if report.status != ApprovalStatus.DRAFT:
            return _("Only a draft report can be changed; this one is “%(status)s”.") % {
                "status": report.get_status_display()
            }
        if not permits(user, report, "change"):
            return _("Only the plan's engineers or a supervisor can change this report.")
        if action == "submit" and report.plan.status != ApprovalStatus.APPROVED:
            return _("The report cannot be submitted while its plan is not approved.")
        return ""
    if action == "approve":
        if report.status not in rules.APPROVAL_STATUSES:
            return _("This report is not waiting for approval.")
        if not permits(user, report, "approve"):
            return _("Waiting for %(step)s: you do not sign this step.") % {
                "step": report.get_status_display()
            }
        return ""
    return _("Unknown action.")


def report_create_refusal(user, plan) -> str:
    if not (rules.is_manager(user) or (rules.is_author(user) and permits(user, plan, "view"))):
        return _("Only engineers and supervisors write inspection reports.")
    if hasattr(plan, "report"):
        return _("This plan already has a report.")
    return ""


def discrepancy_refusal(user, discrepancy, action: str = "decide") -> str:
    if discrepancy.status != DiscrepancyStatus.OPEN:
        return _("This discrepancy is already decided.")
    if not permits(user, discrepancy, "decide"):
        return _("Only the configuration manager (service supervisor) decides discrepancies.")
    return ""


def facility_refusal(user, facility, action: str = "check") -> str:
    """Why `user` may not record a check of `facility` ("" when they may)."""
    if action != "check":
        return _("Unknown action.")
    if facility is not None and not facility.is_active:
        return _("This facility is no longer checked.")
    if not rules.is_author(user):
        return _("Only engineers and supervisors record facility checks.")
    return ""


def backup_refusal(user, plan, action: str = "record") -> str:
    """Why `user` may not record a backup or restore test of `plan` ("" when they may)."""
    if action not in ("record", "restore_test"):
        return _("Unknown action.")
    if not plan.is_active:
        return _("This backup plan is no longer active.")
    if not permits(user, plan, "record"):
        return _("Only the plan's responsible engineer or a supervisor records its backups.")
    return ""
