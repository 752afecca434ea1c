from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalStatus(models.TextChoices):
    """Plans and reports share the customer's approval chain (figure 4-3)."""

    DRAFT = "draft", _("Draft")
    AWAITING_SUPERVISOR = "awaiting_supervisor", _("Awaiting service supervisor")
    AWAITING_OPS = "awaiting_ops", _("Awaiting operations department")
    AWAITING_INFO = "awaiting_info", _("Awaiting information centre")
    APPROVED = "approved", _("Approved")


STATUS_COLOURS = {
    ApprovalStatus.DRAFT: "secondary",
    ApprovalStatus.AWAITING_SUPERVISOR: "warning",
    ApprovalStatus.AWAITING_OPS: "warning",
    ApprovalStatus.AWAITING_INFO: "warning",
    ApprovalStatus.APPROVED: "success",
}


class ApprovalStep(models.TextChoices):
    SUPERVISOR = "supervisor", _("Service supervisor")
    OPS_DEPARTMENT = "ops_department", _("Operations department")
    INFORMATION_CENTRE = "information_centre", _("Information centre")


# Which step signs in which status, and the status it leads to.
STEP_FOR_STATUS = {
    ApprovalStatus.AWAITING_SUPERVISOR: ApprovalStep.SUPERVISOR,
    ApprovalStatus.AWAITING_OPS: ApprovalStep.OPS_DEPARTMENT,
    ApprovalStatus.AWAITING_INFO: ApprovalStep.INFORMATION_CENTRE,
}


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ItemResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "na", _("Not applicable")


RESULT_COLOURS = {"pass": "success", "fail": "danger", "na": "secondary"}


class DiscrepancyField(models.TextChoices):
    """What an engineer can see differ from the CMDB on site."""

    RESPONSIBLE = "responsible", _("Responsible user")
    LOCATION = "location", _("Location")
    IP_ADDRESS = "ip_address", _("IP address")
    SEAL = "seal_status", _("Tamper seal")
    SOFTWARE = "software", _("Office software")


class DiscrepancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ReminderKind(models.TextChoices):
    PLAN_NOT_APPROVED = "plan_not_approved", _("Plan not approved by the 1st")
    DEVICES_NOT_REACHED = "devices_not_reached", _("Devices not reached by month end")
    BACKUP_OVERDUE = "backup_overdue", _("Backup overdue")
    FACILITY_DUE = "facility_due", _("Facility check due this month")
    FACILITY_OVERDUE = "facility_overdue", _("Facility check overdue")


class BackupMethod(models.TextChoices):
    """The plan's three ways of keeping key departments' data safe (§3.5.1)."""

    IMAGE_CLONE = "image_clone", _("Image clone (母盘克隆)")
    NETWORK = "network", _("Network backup (网络备份)")
    STORAGE = "storage", _("Storage backup (存储备份)")


class RunResult(models.TextChoices):
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")


RUN_RESULT_COLOURS = {"ok": "success", "failed": "danger"}


class FacilityKind(models.TextChoices):
    """Building installations checked on a schedule although they are not CIs (§5.1.2)."""

    LIGHTNING = "lightning", _("Lightning protection and earthing")
    UPS = "ups", _("UPS and power supply")
    FIRE = "fire", _("Fire protection")
    WATER = "water", _("Water and leak protection")
