"""Choices of the controlled documents (文档管理, operations plan §3.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentLevel(models.TextChoices):
    """The four levels of the customer's numbering scheme (§3.2 A)."""

    OVERALL = "A", _("Level 1 (overall)")
    PROCEDURE = "B", _("Level 2 (procedure)")
    SUPPORTING = "C", _("Level 3 (supporting document)")
    FORM = "D", _("Level 4 (form)")


class DocumentClass(models.TextChoices):
    """The five classes of documents the plan manages (§3.2 工作程序)."""

    OPERATIONS = "operations", _("Operations system document")
    PROJECT = "project", _("Project document")
    QUALITY = "quality", _("Quality management document")
    REPORT = "report", _("Service report document")
    OTHER = "other", _("Other material")


class DocumentType(models.TextChoices):
    MANUAL = "manual", _("Manual")
    PLAN = "plan", _("Plan")
    PROCEDURE = "procedure", _("Procedure")
    SUPPORTING = "supporting", _("Supporting document")
    FORM = "form", _("Form")
    RECORD = "record", _("Record")
    REPORT = "report", _("Report")
    CONTRACT = "contract", _("Contract")
    TECHNICAL = "technical", _("Technical document")
    EXTERNAL = "external", _("External material")
    OTHER = "other", _("Other")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (awaiting release)")
    EFFECTIVE = "effective", _("Effective")
    UNDER_CHANGE = "under_change", _("Under change")
    SCRAPPED = "scrapped", _("Scrapped")


DOCUMENT_STATUS_COLOURS = {
    DocumentStatus.DRAFT: "secondary",
    DocumentStatus.EFFECTIVE: "success",
    DocumentStatus.UNDER_CHANGE: "warning",
    DocumentStatus.SCRAPPED: "dark",
}

# Documents in use: they are checked for validity, lent and changed.
DOCUMENT_IN_USE = [DocumentStatus.EFFECTIVE, DocumentStatus.UNDER_CHANGE]


class ApplicationStatus(models.TextChoices):
    """Change and scrap applications, decided by the bodies the plan names (运维部 / 信息中心).

    A scrapping ends at "approved". A change goes on: approved, the ops department has
    it made and records the result; the result is confirmed; then it is completed and
    its file is the current version.
    """

    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    CONFIRMING = "confirming", _("Result awaiting confirmation")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BorrowStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved, not yet handed over")
    LENT = "lent", _("Lent")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


APPLICATION_STATUS_COLOURS = {
    "submitted": "warning",
    "approved": "info",
    "confirming": "warning",
    "completed": "success",
    "lent": "primary",
    "returned": "success",
    "rejected": "danger",
    "withdrawn": "secondary",
}


class BorrowForm(models.TextChoices):
    ORIGINAL = "original", _("Original (paper)")
    COPY = "copy", _("Paper copy")
    ELECTRONIC = "electronic", _("Electronic copy")


class CheckResult(models.TextChoices):
    VALID = "valid", _("Valid")
    NEEDS_CHANGE = "needs_change", _("Needs a change")
    OBSOLETE = "obsolete", _("Obsolete")


class BackupMedium(models.TextChoices):
    DISK = "disk", _("Removable disk")
    OPTICAL = "optical", _("Optical disc")
    TAPE = "tape", _("Tape")
    NETWORK = "network", _("Network storage")
    PAPER = "paper", _("Paper copy")
    OTHER = "other", _("Other")


class ApplicationKind(models.TextChoices):
    """What a body decides on: the release of a registered document or an application."""

    REGISTRATION = "registration", _("Registration and release (文件登记表)")
    CHANGE = "change", _("Change (文件更改申请单)")
    SCRAP = "scrap", _("Scrapping (报废申请单)")
    BORROW = "borrow", _("Borrowing (文件借阅申请单)")


class DecisionStage(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    CONFIRMATION = "confirmation", _("Confirmation of the result")


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LibraryKind(models.TextChoices):
    """What the technical documents and driver library holds (plan §4.3.3 item 2)."""

    COMPATIBILITY = "compatibility", _("Hardware/software compatibility list")
    OS_IMAGE = "os_image", _("Operating system image")
    DRIVER = "driver", _("Driver")
    PATCH = "patch", _("Patch")
    ANTIVIRUS = "antivirus", _("Virus-protection list")


LIBRARY_KIND_ICONS = {
    LibraryKind.COMPATIBILITY: "list-check",
    LibraryKind.OS_IMAGE: "disc",
    LibraryKind.DRIVER: "cpu",
    LibraryKind.PATCH: "bandaid",
    LibraryKind.ANTIVIRUS: "shield-check",
}


class HandInKind(models.TextChoices):
    """What engineers hand in (plan §6.3.6, §6.3.1): a technical document every week, and
    the team's technical monthly report, which is reviewed and entered into the knowledge
    base."""

    WEEKLY = "weekly", _("Weekly technical document")
    MONTHLY = "monthly", _("Technical monthly report")


class HandInStatus(models.TextChoices):
    DUE = "due", _("Not handed in")
    RECEIVED = "received", _("Received")
    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Entered into the knowledge base")
    RETURNED = "returned", _("Returned for rework")


# Handed in (on time or not): what the due list counts as received.
HANDED_IN = [HandInStatus.RECEIVED, HandInStatus.SUBMITTED, HandInStatus.ACCEPTED]
# Still owed by the engineer: reminders go out for these.
OWED = [HandInStatus.DUE, HandInStatus.RETURNED]


class DueState(models.TextChoices):
    """Where one period of a duty stands on the due list (derived, not stored)."""

    DUE = "due", _("Due")
    LATE = "late", _("Late (not handed in)")
    RECEIVED = "received", _("Received")
    RECEIVED_LATE = "received_late", _("Received late")


DUE_STATE_COLOURS = {
    DueState.DUE: "warning",
    DueState.LATE: "danger",
    DueState.RECEIVED: "success",
    DueState.RECEIVED_LATE: "info",
}

HANDIN_STATUS_COLOURS = {
    HandInStatus.DUE: "secondary",
    HandInStatus.RECEIVED: "success",
    HandInStatus.SUBMITTED: "warning",
    HandInStatus.ACCEPTED: "success",
    HandInStatus.RETURNED: "danger",
}
