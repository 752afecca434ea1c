"""Choices of the CMDB, each with its label and the Bootstrap colour pages show it in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CIStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    IN_USE = "in_use", _("In use")
    IN_REPAIR = "in_repair", _("In repair")
    SPARE = "spare", _("Spare")
    RETIRED = "retired", _("Retired")
    LOST = "lost", _("Lost")

    @property
    def colour(self) -> str:
        return _STATUS_COLOURS[self]


_STATUS_COLOURS = {
    CIStatus.IN_STOCK: "secondary",
    CIStatus.IN_USE: "success",
    CIStatus.IN_REPAIR: "warning",
    CIStatus.SPARE: "info",
    CIStatus.RETIRED: "dark",
    CIStatus.LOST: "danger",
}


class SealStatus(models.TextChoices):
    """The white tamper seal (封条) checked at every visit."""

    INTACT = "intact", _("Intact")
    BROKEN = "broken", _("Broken")
    NONE = "none", _("No seal")

    @property
    def colour(self) -> str:
        return {"intact": "success", "broken": "danger", "none": "secondary"}[self.value]


class RelationshipType(models.TextChoices):
    """A relationship reads "source <type> target": 业务系统 runs on 服务器.

    Impact (what stops working when an item fails) follows each type in one direction,
    see IMPACT_FLOWS_TO_SOURCE below.
    """

    RUNS_ON = "runs_on", _("runs on")
    CONNECTED_TO = "connected_to", _("connected to")
    DEPENDS_ON = "depends_on", _("depends on")
    INSTALLED_ON = "installed_on", _("installed on")
    PART_OF = "part_of", _("part of")
    USED_BY = "used_by", _("used by")


# When the *target* fails, the *source* is impaired: the application that runs on a
# failed server, the desktop connected to a failed switch, the item that depends on or
# is installed on the failed one.
IMPACT_FLOWS_TO_SOURCE = frozenset(
    {
        RelationshipType.RUNS_ON,
        RelationshipType.CONNECTED_TO,
        RelationshipType.DEPENDS_ON,
        RelationshipType.INSTALLED_ON,
    }
)
# When the *source* fails, the *target* is impaired: the whole a failed part belongs
# to, the item (a user's desktop, an application) that uses the failed one.
IMPACT_FLOWS_TO_TARGET = frozenset({RelationshipType.PART_OF, RelationshipType.USED_BY})


class AttributeType(models.TextChoices):
    """Value types an admin can give the extra attributes of a class."""

    TEXT = "text", _("Text")
    INTEGER = "integer", _("Whole number")
    # "Number" alone is the form number (编号) elsewhere; this one is a quantity (数字).
    DECIMAL = "decimal", pgettext_lazy("attribute type", "Number")
    BOOLEAN = "boolean", _("Yes / no")
    DATE = "date", _("Date")
    CHOICE = "choice", _("One of a list")


class WarrantyStatus(models.TextChoices):
    IN_WARRANTY = "in_warranty", _("In warranty")
    EXPIRING = "expiring", _("Warranty ending soon")
    EXPIRED = "expired", _("Out of warranty")
    UNKNOWN = "unknown", _("Warranty unknown")

    @property
    def colour(self) -> str:
        return {
            "in_warranty": "success",
            "expiring": "warning",
            "expired": "danger",
            "unknown": "secondary",
        }[self.value]


# "Expiring" means the warranty ends within this many days (issue 4: 60 days).
WARRANTY_EXPIRING_DAYS = 60


class ImportStatus(models.TextChoices):
    """An import batch: uploaded → mapped (dry run shown) → applied or rejected."""

    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWED = "previewed", _("Dry run shown")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Nothing applied")


class ImportMode(models.TextChoices):
    ALL_VALID = "all_valid", _("Apply all valid rows")
    ALL_OR_NOTHING = "all_or_nothing", _("Apply nothing unless all rows are valid")


class ImportAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("Unchanged")
    ERROR = "error", _("Error")

    @property
    def colour(self) -> str:
        return {
            "create": "success",
            "update": "primary",
            "unchanged": "secondary",
            "error": "danger",
        }[self.value]


class CensusStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")

    @property
    def colour(self) -> str:
        return {"draft": "secondary", "running": "primary", "closed": "dark"}[self.value]


class CensusResult(models.TextChoices):
    """What an engineer found for one expected (or unexpected) item."""

    PENDING = "pending", _("Not yet checked")
    FOUND = "found", _("Found")
    MOVED = "moved", _("Moved")
    CHANGED = "changed", _("Changed")
    MISSING = "missing", _("Missing")
    UNEXPECTED = "unexpected", _("Unexpected")

    @property
    def colour(self) -> str:
        return {
            "pending": "light",
            "found": "success",
            "moved": "warning",
            "changed": "info",
            "missing": "danger",
            "unexpected": "dark",
        }[self.value]


# Results the supervisor reviews before they change the CMDB.
CENSUS_DISCREPANCIES = (
    CensusResult.MOVED,
    CensusResult.CHANGED,
    CensusResult.MISSING,
    CensusResult.UNEXPECTED,
)


class CensusReview(models.TextChoices):
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class RequisitionStatus(models.TextChoices):
    """备件领用单: requested → approved → issued → returned / consumed (or rejected)."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Issued")
    RETURNED = "returned", _("Returned")
    CONSUMED = "consumed", _("Consumed")

    @property
    def colour(self) -> str:
        return {
            "requested": "secondary",
            "approved": "primary",
            "rejected": "dark",
            "issued": "warning",
            "returned": "success",
            "consumed": "info",
        }[self.value]


class ReminderKind(models.TextChoices):
    CENSUS_HALF_YEARLY = "census_half_yearly", _("Half-yearly census")
    CENSUS_CONTRACT_END = "census_contract_end", _("Census before contract end")


# Warranty alerts: days before the end (0 = ended, only for items in use), most urgent last.
WARRANTY_ALERT_THRESHOLDS = (60, 30, 0)


class ServiceWindow(models.TextChoices):
    """When a service is due to run, for availability (committed 98 %, §6.2.1).

    "business" is the client's working days and hours from the business calendar
    (5×8: Mon–Fri, no public holidays, make-up working days included)."""

    ALWAYS = "24x7", _("7×24 (around the clock)")
    BUSINESS = "business", _("5×8 (business hours)")


class OutageSource(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    WORK_ORDER = "work_order", _("Work order")
    MANUAL = "manual", _("Recorded by hand")


class SoftwareCategory(models.TextChoices):
    OPERATING_SYSTEM = "os", _("Operating system")
    OFFICE = "office", _("Office software")
    APPLICATION = "application", _("Application software")
    SECURITY = "security", _("Security software")
    TOOL = "tool", _("Tool or utility")
    OTHER = "other", _("Other software")


class LicenceType(models.TextChoices):
    OEM = "oem", _("OEM (bundled with the device)")
    RETAIL = "retail", _("Retail (boxed)")
    VOLUME = "volume", _("Volume licence")
    SUBSCRIPTION = "subscription", _("Subscription")
    SITE = "site", _("Site licence (unlimited seats)")
    FREE = "free", _("Free or open source")


class InstallationSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection software census")
    IMPORT = "import", _("Asset import")
    MANUAL = "manual", _("Recorded by hand")


class ResponsibleBreach(models.TextChoices):
    """Why an asset breaks the responsible-person rule (§3.3.4.1)."""

    NONE = "none", _("No responsible person")
    LEFT = "left", _("Responsible person has left the organisation")
    SHARED_ORDER = "shared_order", _("Shared device not assigned by code order")

    @property
    def colour(self) -> str:
        return {"none": "danger", "left": "warning", "shared_order": "info"}[self.value]
