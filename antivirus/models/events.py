from django.db import models
from django.utils.translation import gettext_lazy as _

from cmdb.models import ConfigurationItem

from ..choices import EventResult
from .access import EventQuerySet, StaffOnlyQuerySet


class VirusEvent(models.Model):
    """One detection the console reported (病毒事件). `fingerprint` makes imports idempotent:
    overlapping weekly exports and re-imports add each detection once."""

    detected_at = models.DateTimeField(_("detected at"), db_index=True)
    ci = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("configuration item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="virus_events",
    )
    host_name = models.CharField(_("host name"), max_length=100)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_name = models.CharField(_("user"), max_length=100, blank=True)
    threat = models.CharField(_("threat"), max_length=200, db_index=True)
    file_path = models.CharField(_("file path"), max_length=500, blank=True)
    action = models.CharField(_("action"), max_length=100, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=EventResult.choices, default=EventResult.OTHER
    )
    result_text = models.CharField(_("result (console)"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=100, blank=True)
    console_import = models.ForeignKey(
        "antivirus.ConsoleImport",
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    fingerprint = models.CharField(max_length=40, unique=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("virus event")
        verbose_name_plural = _("virus events")
        ordering = ["-detected_at"]
        indexes = [models.Index(fields=["threat", "detected_at"], name="antivirus_ev_threat_at")]

    def __str__(self):
        return f"{self.threat} @ {self.host_name}"


class Outbreak(models.Model):
    """The same threat on many hosts within a short window: the supervisor is alerted once."""

    threat = models.CharField(_("threat"), max_length=200, db_index=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    host_count = models.PositiveIntegerField(_("hosts"))
    alerted_at = models.DateTimeField(_("supervisor alerted at"), null=True, blank=True)
    work_order = models.ForeignKey(
        "incidents.WorkOrder",
        verbose_name=_("major work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("detected at"), auto_now_add=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("virus outbreak")
        verbose_name_plural = _("virus outbreaks")
        ordering = ["-first_seen"]

    def __str__(self):
        return f"{self.threat} ({self.host_count})"
