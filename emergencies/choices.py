from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmergencyType(models.TextChoices):
    """The major incidents of the plan §5.2.1 that start the emergency process."""

    WIDE_OUTAGE = "wide_outage", _("Wide system outage")
    REGIONAL_CRASH = "regional_crash", _("Regional system crash")
    KEY_BUSINESS = "key_business", _("Key business stopped")
    VIRUS_OUTBREAK = "virus_outbreak", _("Virus outbreak")
    SYSTEM_DAMAGE = "system_damage", _("Severe system damage")
    DATA_DAMAGE = "data_damage", _("Severe data damage")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")


# How often the affected users must hear from us, per severity (the status-update timer).
UPDATE_EVERY = {
    Severity.CRITICAL: timedelta(minutes=30),
    Severity.HIGH: timedelta(minutes=60),
    Severity.MEDIUM: timedelta(minutes=120),
}


class Status(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Being handled")
    EVALUATING = "evaluating", _("Being evaluated")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


STATUS_COLOURS = {
    Status.REQUESTED: "warning",
    Status.APPROVED: "info",
    Status.ACTIVE: "danger",
    Status.EVALUATING: "primary",
    Status.CLOSED: "dark",
    Status.REJECTED: "secondary",
}
OPEN_STATUSES = [Status.REQUESTED, Status.APPROVED, Status.ACTIVE, Status.EVALUATING]


class ApprovalMode(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    ORAL = "oral", _("Orally")


class ApprovalChannel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    IN_PERSON = "in_person", _("In person")
    MESSAGE = "message", _("Instant message")


class TeamRole(models.TextChoices):
    INFORMATION_CENTRE = "information_centre", _("Information centre representative")
    OPS_DEPARTMENT = "ops_department", _("Operations department representative")
    SUPERVISOR = "supervisor", _("Service supervisor")
    CUSTOMER = "customer", _("Customer representative")
    SUPPLIER = "supplier", _("Supplier representative")
    OTHER = "other", _("Other third party")


class ResourceKind(models.TextChoices):
    COORDINATION = "coordination", _("Coordination")
    PURCHASE = "purchase", _("Purchase")


class ResourceStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the team")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Result recorded")
    CONFIRMED = "confirmed", _("Confirmed")


class Outcome(models.TextChoices):
    MET = "met", _("Met: resolved and service restored")
    CONTINUE = "continue", _("Not met: another round")
    PROBLEM = "problem", _("Not met: open a problem")
    CHANGE = "change", _("Not met: raise a change")


class MeasureKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    EVACUATION = "evacuation", _("Evacuation checklist")
    FIRE = "fire", _("Fire checklist")
    FLOOD = "flood", _("Flood checklist")
    OTHER = "other", _("Other measure")


class ReportPeriod(models.TextChoices):
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")


class DrillKind(models.TextChoices):
    """The drills the plan asks for (§5.1.2.3 市电中断演习, §5.1.2.4 设备入水预演)."""

    POWER_CUT = "power_cut", _("Mains power cut drill (市电中断演习)")
    WATER_DAMAGE = "water_damage", _("Water damage drill (设备入水预演)")
    FIRE = "fire", _("Fire drill")
    OTHER = "other", _("Other drill")


class DrillResult(models.TextChoices):
    MET = "met", _("Objectives met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


DRILL_RESULT_COLOURS = {"met": "success", "partly": "warning", "not_met": "danger"}


class FacilityIncidentKind(models.TextChoices):
    """Incidents of the building's installations the plan writes up (§5.1.2)."""

    FIRE = "fire", _("Fire")
    POWER = "power", _("Power failure")
    WATER = "water", _("Water damage")
    LIGHTNING = "lightning", _("Lightning strike")


class FacilityIncidentStatus(models.TextChoices):
    """Written up → reviewed by the department head → reported to the authority above."""

    DRAFT = "draft", _("Being written up")
    REVIEWED = "reviewed", _("Reviewed")
    REPORTED = "reported", _("Reported upward")


FACILITY_INCIDENT_COLOURS = {"draft": "secondary", "reviewed": "info", "reported": "success"}
