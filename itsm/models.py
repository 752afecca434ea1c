from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormCode(models.Model):
    """The customer's document code for each kind of form, editable by admins.

    Codes follow the document levels of the operations plan (A01 manuals, B01
    procedures, C0101 supporting documents, D0201 forms); a process looks its code up by
    `key`, so renumbering a form is data, not a release.
    """

    key = models.SlugField(_("key"), max_length=50, unique=True)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("form code")
        verbose_name_plural = _("form codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class NumberSequence(models.Model):
    """Last number handed out per scope (a form code and a day, or a parent number)."""

    scope = models.CharField(_("scope"), max_length=120, unique=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.scope} = {self.last_value}"


class TransitionLog(models.Model):
    """One row per state-machine transition of any domain record: who, when, from, to, why.

    Shared by every process so the timeline on a detail page reads one table; the
    field-level audit (old → new) is django-auditlog's LogEntry.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=64)
    source = models.CharField(_("from"), max_length=32)
    target = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("transition log")
        verbose_name_plural = _("transition logs")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.transition}: {self.source} → {self.target}"
