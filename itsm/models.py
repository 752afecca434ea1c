from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cache import CachedTableModel, CachedTableQuerySet


class FormCode(CachedTableModel):
    """The customer's document code for each kind of form, editable by admins.

    Codes follow the document levels of the operations plan (A01 manuals, B01
    procedures, C0101 supporting documents, D0201 forms); a process looks its code up by
    `key`, so renumbering a form is data, not a release.
    """

    key = models.SlugField(_("key"), max_length=50, unique=True)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("form code")
        verbose_name_plural = _("form codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    CACHE_KEY = "itsm:form-codes"


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
        return f"{self.transition}: {self.source_label} → {self.target_label}"

    def status_label(self, value: str) -> str:
        """The subject's status `value` as its model names it (草稿, not draft)."""
        model = self.content_type.model_class() if self.content_type_id else None
        try:
            field = model._meta.get_field("status")
        except (AttributeError, FieldDoesNotExist):
            return value
        return str(dict(field.flatchoices).get(value, value))

    @property
    def source_label(self) -> str:
        return self.status_label(self.source)

    @property
    def target_label(self) -> str:
        return self.status_label(self.target)


class ApiToken(models.Model):
    """A personal API token (`Authorization: Token <key>`), stored as a hash.

    The key is shown once, when it is issued; the database keeps its SHA-256 (a leaked
    backup or an admin screen reveals nothing usable) and its first characters to tell
    tokens apart. A token expires, can be revoked by its owner or an admin, and stops
    working when its owner's password changes (it remembers a fingerprint of the password
    hash it was issued under).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    password_fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
