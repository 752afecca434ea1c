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


class ChangeOrigin(models.TextChoices):
    """Who raised the change (§2.2.1.1: the desk is the users' point of contact for RFCs,
    §2.2.1.5: the client's organisation submits change requests)."""

    STAFF = "staff", _("Change staff")
    DESK = "desk", _("Service desk")
    END_USER = "end_user", _("End user")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ChangeLogAction(models.TextChoices):
    IMPLEMENTED = "implemented", _("Implemented")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    DEPLOYED = "deployed", _("Deployed")


# --- releases -------------------------------------------------------------------------


class ReleaseType(models.TextChoices):
    MAJOR = "major", _("Major release")
    MINOR = "minor", _("Minor release")
    EMERGENCY = "emergency", _("Emergency release")


class ReleaseStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BUILT = "built", _("Built")
    TESTED = "tested", _("Tested, awaiting authorisation")
    AUTHORISED = "authorised", _("Authorised")
    REJECTED = "rejected", _("Rejected")
    DEPLOYED = "deployed", _("Deployed")
    FAILED = "failed", _("Deployment failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


RELEASE_STATUS_COLOURS = {
    ReleaseStatus.PLANNED: "secondary",
    ReleaseStatus.BUILT: "primary",
    ReleaseStatus.TESTED: "warning",
    ReleaseStatus.AUTHORISED: "success",
    ReleaseStatus.REJECTED: "danger",
    ReleaseStatus.DEPLOYED: "success",
    ReleaseStatus.FAILED: "danger",
    ReleaseStatus.ROLLED_BACK: "danger",
    ReleaseStatus.CLOSED: "dark",
    ReleaseStatus.CANCELLED: "light",
}

# Releases whose window is still to come: shown on the calendar as planned.
RELEASE_OPEN_STATUSES = [
    ReleaseStatus.PLANNED,
    ReleaseStatus.BUILT,
    ReleaseStatus.TESTED,
    ReleaseStatus.AUTHORISED,
]
# On the calendar: everything except the refused and the cancelled.
RELEASE_CALENDAR_STATUSES = [
    s for s in ReleaseStatus.values if s not in (ReleaseStatus.REJECTED, ReleaseStatus.CANCELLED)
]


class TestResult(models.TextChoices):
    __test__ = False  # not a pytest class

    PASSED = "pass", _("Passed")
    FAILED = "fail", _("Failed")
