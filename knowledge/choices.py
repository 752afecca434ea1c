from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


# Bootstrap colour per status, for badges.
STATUS_COLOURS = {
    Status.DRAFT: "secondary",
    Status.REVIEWED: "info",
    Status.PUBLISHED: "success",
    Status.RETIRED: "dark",
}

# Statuses whose content may still be edited in place; a published record needs a new version.
EDITABLE_STATUSES = [Status.DRAFT, Status.REVIEWED]


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone (end users too)")
    INTERNAL = "internal", _("Internal (IT staff only)")


# Index weights of each part of a record (see search.document_terms).
WEIGHT_TITLE = 3
WEIGHT_SYMPTOM = 2  # symptom and the fault-type path
WEIGHT_BODY = 1  # cause, solution, related form numbers
