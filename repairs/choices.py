"""Statuses and kinds of the vendor-repair process, each status with its label and colour."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class _Coloured(models.TextChoices):
    @property
    def colour(self) -> str:
        return COLOURS.get(self.value, "secondary")


class RepairKind(models.TextChoices):
    IN_WARRANTY = "in_warranty", _("In warranty (manufacturer)")
    THIRD_PARTY = "third_party", _("Third-party repair")


class DataHandling(models.TextChoices):
    """What happens to the storage before a device leaves the building."""

    KEPT = "kept", _("Storage kept on site")
    WIPED = "wiped", _("Storage wiped (with a record)")
    SEALED = "sealed", _("Sent sealed with the user's consent")


class RepairStatus(_Coloured):
    PREPARED = "prepared", _("Prepared")
    SENT = "sent", _("Out for repair")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class VendorOrderStatus(_Coloured):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the supervisor")
    REJECTED = "rejected", _("Returned for revision")
    DECLINED = "declined", _("No vendor: to problem management")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent to the vendor")
    SIGNED = "signed", _("Signed for by the vendor")
    RESULT = "result", _("Vendor result recorded")
    CONFIRMED = "confirmed", _("Confirmed by the client")
    VERIFIED = "verified", _("Verified")


class ProblemType(models.TextChoices):
    HARDWARE = "hardware", _("Hardware")
    SYSTEM_SOFTWARE = "system_software", _("System software")
    APPLICATION = "application", _("Application software")
    OTHER = "other", _("Other")


class BlacklistKind(models.TextChoices):
    ADD = "add", _("Add to the blacklist")
    REMOVE = "remove", _("Remove from the blacklist")


class ApplicationStatus(_Coloured):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class QuoteStatus(_Coloured):
    COLLECTING = "collecting", _("Collecting quotes")
    CHOSEN = "chosen", _("Chosen by the user")
    APPROVED = "approved", _("Approved")
    REPLACED = "replaced", _("Part replaced")
    CANCELLED = "cancelled", _("Cancelled")


COLOURS = {
    "prepared": "secondary",
    "sent": "primary",
    "returned": "success",
    "cancelled": "dark",
    "draft": "secondary",
    "submitted": "warning",
    "rejected": "danger",
    "declined": "dark",
    "approved": "info",
    "signed": "primary",
    "result": "primary",
    "confirmed": "info",
    "verified": "success",
    "collecting": "secondary",
    "chosen": "warning",
    "replaced": "success",
}
