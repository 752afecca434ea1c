from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Bootstrap colour per status, for badges.
STATUS_COLOURS = {
    Status.NEW: "primary",
    Status.ASSIGNED: "info",
    Status.IN_PROGRESS: "warning",
    Status.ON_HOLD: "secondary",
    Status.RESOLVED: "success",
    Status.REOPENED: "danger",
    Status.CLOSED: "dark",
    Status.CANCELLED: "light",
}

OPEN_STATUSES = [
    Status.NEW,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.REOPENED,
]


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    MAIL = "mail", _("Mail")
    WALK_IN = "walk_in", _("Walk-in")
    API = "api", _("API")
    # A historic record from the previous system (incidents.history_import).
    IMPORT = "import", _("Previous system")


class Level3(models.TextChoices):
    """Impact and urgency share the three steps of the ITIL priority matrix."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 critical")
    P2 = "P2", _("P2 high")
    P3 = "P3", _("P3 medium")
    P4 = "P4", _("P4 low")


class HoldReason(models.TextChoices):
    USER = "user", _("Waiting for the user")
    VENDOR = "vendor", _("Waiting for the vendor")
    PARTS = "parts", _("Waiting for parts")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    COMMENT = "comment", _("Comment")
    NOTE = "note", _("Internal note")
    TRANSITION = "transition", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")
    PRIORITY = "priority", _("Priority change")
    SLA = "sla", _("Service level event")
    ATTACHMENT = "attachment", _("Attachment")
    RATING = "rating", _("Rating")
    CALLBACK = "callback", _("Callback")
    ESCALATION = "escalation", _("Escalation")
    LINK = "link", _("Link")
    LATE = "late", _("Engineer late or cannot come")
    GUIDANCE = "guidance", _("Remote guidance")
    CONFIRMATION = "confirmation", _("Fix confirmed")
    COMPLAINT = "complaint", _("Complaint")
    MERGE = "merge", _("Merge")
    SERVICE_RECORD = "service_record", _("Service record")


class SlaClock(models.TextChoices):
    """The clocks a work order runs: the contract's two, and the desk's own three (§6.3.3)."""

    RESPONSE = "response", _("Response")
    RESOLUTION = "resolution", _("Resolution")
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Execution confirmed")
    MANAGER_ESCALATION = "manager_escalation", _("Escalation to the manager")
    REDISPATCH = "redispatch", _("Re-dispatch")
    GUIDANCE = "guidance", _("Remote guidance")


class NoticeLevel(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")
    MANAGER = "manager", _("Escalated to manager")


class CloseReason(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the user")
    CALLBACK = "callback", _("Closed after callback")
    AUTO = "auto", _("Closed automatically")


class CancelReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    WITHDRAWN = "withdrawn", _("Withdrawn by the user")
    NOT_IT = "not_it", _("Not an IT matter")


class ServiceType(models.TextChoices):
    """服务类型 (§6.2.2 c): taken in for repair, on site, or a special request."""

    TAKE_IN = "take_in", _("Taken in for repair")
    ON_SITE = "on_site", _("On site")
    SPECIAL = "special", _("Special (parts purchase, upgrade)")


class ResponseMode(models.TextChoices):
    """响应方式 (§6.2.2 b): how the desk answers: hotline, remote desktop or on site."""

    HOTLINE = "hotline", _("Hotline")
    REMOTE = "remote", _("Remote desktop")
    ON_SITE = "on_site", _("On site")


class ServiceRecordStatus(models.TextChoices):
    """运行服务单: the engineer submits it, the desk accepts it or returns it (§6.3.3)."""

    SUBMITTED = "submitted", _("Awaiting the desk's review")
    ACCEPTED = "accepted", _("Accepted by the desk")
    RETURNED = "returned", _("Returned to the engineer")

    @property
    def colour(self) -> str:
        return {"submitted": "warning", "accepted": "success", "returned": "danger"}[self.value]


class ConfirmationMethod(models.TextChoices):
    """How the served user confirmed the record."""

    PORTAL = "portal", _("In the portal")
    PAPER = "paper", _("Signed on paper")
