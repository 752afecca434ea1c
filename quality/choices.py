from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating (1 to 5)")
    CHOICE = "choice", _("Single choice")
    TEXT = "text", _("Free text")


RATING_SCALE = range(1, 6)


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


ROUND_COLOURS = {
    RoundStatus.DRAFT: "secondary",
    RoundStatus.PUBLISHED: "info",
    RoundStatus.OPEN: "success",
    RoundStatus.CLOSED: "dark",
}


class ItemKind(models.TextChoices):
    LOW_RATING = "low_rating", _("Low rating")
    COMPLAINT = "complaint", _("Complaint")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


ACTION_COLOURS = {ActionStatus.OPEN: "warning", ActionStatus.DONE: "success"}
