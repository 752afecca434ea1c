from django.db import models
from django.utils.translation import gettext_lazy as _

COMPUTER_CLASSES = ("desktop", "laptop", "server")  # the CMDB classes that run antivirus


class ImportKind(models.TextChoices):
    STATUS = "status", _("Endpoint status")
    EVENTS = "events", _("Virus events")


class ImportStatus(models.TextChoices):
    NEEDS_MAPPING = "needs_mapping", _("Needs a column mapping")
    CHECKED = "checked", _("Dry run passed")
    INVALID = "invalid", _("Has errors")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    DUPLICATE = "duplicate", _("Same file imported before")
    FAILED = "failed", _("Failed")


class ProtectionState(models.TextChoices):
    OK = "ok", _("Protected and current")
    STALE = "stale", _("Signature or engine behind")
    NOT_REPORTING = "not_reporting", _("Not reporting")
    UNPROTECTED = "unprotected", _("No antivirus")


STATE_COLOURS = {
    ProtectionState.OK: "success",
    ProtectionState.STALE: "warning",
    ProtectionState.NOT_REPORTING: "secondary",
    ProtectionState.UNPROTECTED: "danger",
}


# Why an endpoint is in its state: stored as {"why": code, …figures}, worded when shown.
STATE_REASONS = {
    "no_console": _("No console reports antivirus on it."),
    "silent": _("Last reported %(date)s."),
    "signature_date": _("Signature of %(date)s; the newest is of %(newest)s."),
    "signature_version": _("Signature %(version)s; the newest is %(newest)s."),
    "engine": _("Engine %(version)s; the newest is %(newest)s."),
}


class EventResult(models.TextChoices):
    CLEANED = "cleaned", _("Cleaned")
    QUARANTINED = "quarantined", _("Quarantined")
    DELETED = "deleted", _("Deleted")
    BLOCKED = "blocked", _("Blocked")
    FAILED = "failed", _("Not resolved")
    OTHER = "other", _("Other")


RESOLVED_RESULTS = (
    EventResult.CLEANED,
    EventResult.QUARANTINED,
    EventResult.DELETED,
    EventResult.BLOCKED,
)


class ReinstallStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for both confirmations")
    USER_CONFIRMED = "user_confirmed", _("User confirmed; waiting for the information centre")
    CENTRE_CONFIRMED = "centre_confirmed", _("Information centre confirmed; waiting for the user")
    APPROVED = "approved", _("Confirmed; may be reinstalled")
    REFUSED = "refused", _("Refused")
    DONE = "done", _("Reinstalled")


class ScanSource(models.TextChoices):
    NMAP = "nmap", _("nmap XML")
    CSV = "csv", _("CSV")
