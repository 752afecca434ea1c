from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    APPROVED = "approved", _("Approved by the client")
    DELIVERED = "delivered", _("Delivered")
    SUPERSEDED = "superseded", _("Superseded")


# The msgids the frozen Document carries (the renderers translate them).
STATUS_MSGIDS = {
    ReportStatus.DRAFT: N_("Draft"),
    ReportStatus.CONFIRMED: N_("Confirmed"),
    ReportStatus.APPROVED: N_("Approved by the client"),
    ReportStatus.DELIVERED: N_("Delivered"),
    ReportStatus.SUPERSEDED: N_("Superseded"),
}

STATUS_COLOURS = {
    ReportStatus.DRAFT: "secondary",
    ReportStatus.CONFIRMED: "info",
    ReportStatus.APPROVED: "primary",
    ReportStatus.DELIVERED: "success",
    ReportStatus.SUPERSEDED: "light",
}

# Not yet in the recipients' hands: these are reminded and count as overdue after the due day.
OPEN_STATUSES = (ReportStatus.DRAFT, ReportStatus.CONFIRMED, ReportStatus.APPROVED)


class HolidayRule(models.TextChoices):
    """Where a due day that is not a working day moves (the customer's choice per report)."""

    BEFORE = "before", _("The working day before")
    AFTER = "after", _("The working day after")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
