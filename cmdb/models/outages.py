"""Service outages: when a service CI was down, for availability (1 − down ÷ scheduled).

One table for every source: emergencies record the services they took down, a major
incident on a service CI records its outage when it is resolved, and the supervisor adds
or corrects rows by hand. It lives in cmdb because every process that writes it sits
above cmdb (emergencies, incidents) and reports reads it from here.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel, local_minute
from itsm.workflow import LockVersioned

from ..choices import OutageSource
from ..permissions import ServiceOutageQuerySet


class ServiceOutage(LockVersioned, TimeStampedModel):
    """One period a service was down (服务中断记录)."""

    service = models.ForeignKey(
        "cmdb.ConfigurationItem",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outages",
        verbose_name=_("service"),
        help_text=_("Empty only for outages recorded before the service was in the CMDB."),
    )
    service_name = models.CharField(
        _("service name"), max_length=200, help_text=_("As recorded, kept if the item is renamed.")
    )
    started_at = models.DateTimeField(_("down from"), db_index=True)
    ended_at = models.DateTimeField(_("restored at"), null=True, blank=True, db_index=True)
    cause = models.TextField(_("cause"), blank=True)
    source = models.CharField(
        _("recorded from"), max_length=12, choices=OutageSource.choices, default=OutageSource.MANUAL
    )
    source_number = models.CharField(
        _("source number"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("The emergency or work order number the outage was recorded from."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = ServiceOutageQuerySet.as_manager()

    class Meta:
        verbose_name = _("service outage")
        verbose_name_plural = _("service outages")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["service", "started_at"], name="cmdb_outage_service")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="cmdb_outage_ends_after_start",
                violation_error_message=_("The outage cannot end before it started."),
            )
        ]

    def __str__(self):
        return f"{self.service_name} {local_minute(self.started_at)}"

    def get_absolute_url(self):
        return reverse("cmdb:outage_detail", args=[self.pk])

    @property
    def duration(self):
        return (self.ended_at - self.started_at) if self.ended_at else None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
