from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeType(models.TextChoices):
    STANDARD = "standard", _("Standard (pre-approved)")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ASSESSED = "assessed", _("Assessed")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SCHEDULED = "scheduled", _("Scheduled")
    IMPLEMENTING = "implementing", _("Implementing")
    IMPLEMENTED = "implemented", _("Implemented")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    REVIEWED = "reviewed", _("Reviewed")
    CLOSED = "closed", _("Closed")


STATUS_COLOURS = {
    ChangeStatus.DRAFT: "secondary",
    ChangeStatus.SUBMITTED: "primary",
    ChangeStatus.ASSESSED: "info",
    ChangeStatus.AWAITING_APPROVAL: "warning",
    ChangeStatus.APPROVED: "success",
    ChangeStatus.REJECTED: "danger",
    ChangeStatus.SCHEDULED: "primary",
    ChangeStatus.IMPLEMENTING: "warning",
    ChangeStatus.IMPLEMENTED: "success",
    ChangeStatus.FAILED: "danger",
    ChangeStatus.ROLLED_BACK: "danger",
    ChangeStatus.REVIEWED: "info",
    ChangeStatus.CLOSED: "dark",
}

# Changes that hold a window on the calendar (and so can conflict): everything past the
# draft that was not refused.
CALENDAR_STATUSES = [
    s for s in ChangeStatus.values if s not in (ChangeStatus.DRAFT, ChangeStatus.REJECTED)
]
# Still to happen: the ones whose window is worth warning about.
UPCOMING_STATUSES = [
    ChangeStatus.SUBMITTED,
    ChangeStatus.ASSESSED,
    ChangeStatus.AWAITING_APPROVAL,
    ChangeStatus.APPROVED,
    ChangeStatus.SCHEDULED,
]


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeLogAction(models.TextChoices):
    IMPLEMENTED = "implemented", _("Implemented")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
