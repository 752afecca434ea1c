from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cmdb.models import ConfigurationItem

from ..choices import STATE_REASONS, ProtectionState
from .access import EndpointQuerySet


class _ProtectionFields(models.Model):
    installed = models.BooleanField(_("antivirus installed"), default=False)
    product = models.CharField(_("product"), max_length=100, blank=True, db_index=True)
    product_version = models.CharField(_("product version"), max_length=50, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=50, blank=True)
    signature_version = models.CharField(_("signature version"), max_length=50, blank=True)
    signature_date = models.DateField(_("signature date"), null=True, blank=True)
    console = models.CharField(_("console"), max_length=100, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        abstract = True


class Endpoint(_ProtectionFields):
    """The protection state of one computer (终端), as its console last reported it.

    Host name, IP, OS and user are the CMDB item's (`ci`), read from there, never copied.
    A host the console knows but the CMDB does not keeps `ci` empty and the names the
    console reported, so it is listed for someone to register rather than dropped.
    `state` is derived (by the daily check and each import) so lists can filter on it.
    """

    ci = models.OneToOneField(
        ConfigurationItem,
        verbose_name=_("configuration item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="av_endpoint",
    )
    reported_host = models.CharField(_("host name (console)"), max_length=100, blank=True)
    reported_ip = models.GenericIPAddressField(_("IP address (console)"), null=True, blank=True)
    reported_user = models.CharField(_("user (console)"), max_length=100, blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ProtectionState.choices,
        default=ProtectionState.UNPROTECTED,
        db_index=True,
    )
    state_detail = models.JSONField(_("why"), default=dict, blank=True)
    last_import = models.ForeignKey(
        "antivirus.ConsoleImport",
        verbose_name=_("last import"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    install_work_order = models.ForeignKey(
        "incidents.WorkOrder",
        verbose_name=_("installation work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("endpoint protection")
        verbose_name_plural = _("endpoint protection")
        ordering = ["ci__asset_tag", "reported_host"]
        constraints = [
            models.UniqueConstraint(
                fields=["reported_host"],
                condition=models.Q(ci__isnull=True),
                name="antivirus_unknown_host_once",
            )
        ]
        indexes = [models.Index(fields=["product", "state"], name="antivirus_ep_product_state")]

    def __str__(self):
        return self.host_name or str(self.ip or "?")

    def get_absolute_url(self):
        return reverse("antivirus:endpoint_detail", args=[self.pk])

    @property
    def state_reason(self) -> str:
        """Why the endpoint is in its state, in the reader's language."""
        detail = self.state_detail or {}
        template = STATE_REASONS.get(detail.get("why"))
        return str(template) % detail if template else ""

    @property
    def host_name(self) -> str:
        if self.ci_id:
            return (self.ci.attributes or {}).get("hostname") or self.ci.name
        return self.reported_host

    @property
    def ip(self):
        return self.ci.ip_address if self.ci_id else self.reported_ip

    @property
    def os(self) -> str:
        return (self.ci.attributes or {}).get("os", "") if self.ci_id else ""

    @property
    def user_name(self) -> str:
        if self.ci_id and self.ci.responsible_id:
            person = getattr(self.ci.responsible, "person", None)
            return person.name if person else self.ci.responsible.username
        return self.reported_user


class EndpointSnapshot(_ProtectionFields):
    """The state one status import reported for an endpoint: the history of each day."""

    endpoint = models.ForeignKey(
        Endpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="snapshots"
    )
    console_import = models.ForeignKey(
        "antivirus.ConsoleImport",
        verbose_name=_("import"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    taken_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("endpoint snapshot")
        verbose_name_plural = _("endpoint snapshots")
        ordering = ["-taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "console_import"], name="antivirus_snapshot_once"
            )
        ]
        indexes = [models.Index(fields=["endpoint", "taken_on"], name="antivirus_snap_day")]

    def __str__(self):
        return f"{self.endpoint} {self.taken_on}"
