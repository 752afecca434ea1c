from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    NEW = "new", _("New")
    INVESTIGATING = "investigating", _("Investigating")
    ROOT_CAUSE_KNOWN = "root_cause_known", _("Root cause known")
    KNOWN_ERROR = "known_error", _("Known error")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Bootstrap colour per status, for badges.
STATUS_COLOURS = {
    ProblemStatus.NEW: "primary",
    ProblemStatus.INVESTIGATING: "warning",
    ProblemStatus.ROOT_CAUSE_KNOWN: "info",
    ProblemStatus.KNOWN_ERROR: "danger",
    ProblemStatus.RESOLVED: "success",
    ProblemStatus.CLOSED: "dark",
}

OPEN_STATUSES = [
    ProblemStatus.NEW,
    ProblemStatus.INVESTIGATING,
    ProblemStatus.ROOT_CAUSE_KNOWN,
    ProblemStatus.KNOWN_ERROR,
]


class FishboneCategory(models.TextChoices):
    """The six bones of the Ishikawa diagram (人 / 机 / 料 / 法 / 环 / 测)."""

    PEOPLE = "people", _("People (人)")
    MACHINE = "machine", _("Machine (机)")
    MATERIAL = "material", _("Material (料)")
    METHOD = "method", _("Method (法)")
    ENVIRONMENT = "environment", _("Environment (环)")
    MEASUREMENT = "measurement", _("Measurement (测)")


class ParetoBasis(models.TextChoices):
    CATEGORY = "category", _("Work-order categories")
    CAUSE = "cause", _("Root-cause categories (fishbone)")
