import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Department, Location

from ..choices import ScanSource
from .access import StaffOnlyQuerySet


def validate_cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a network such as 10.1.3.0/24."), params={"value": value}
        ) from None


class NetworkSegment(models.Model):
    """A network segment (网段) that the weekly coverage count covers."""

    name = models.CharField(_("name"), max_length=100)
    cidr = models.CharField(
        _("network (CIDR)"), max_length=50, unique=True, validators=[validate_cidr]
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_segments",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_segments",
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("network segment")
        verbose_name_plural = _("network segments")
        ordering = ["cidr"]

    def __str__(self):
        return f"{self.name} ({self.cidr})"

    def save(self, *args, **kwargs):
        self.cidr = str(ipaddress.ip_network(self.cidr, strict=False))
        super().save(*args, **kwargs)

    @property
    def network(self):
        return ipaddress.ip_network(self.cidr, strict=False)


class SegmentScan(models.Model):
    """An imported ping scan (nmap -sn -oX, or CSV): the hosts that answered."""

    source = models.CharField(_("format"), max_length=10, choices=ScanSource.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("file hash"), max_length=64, unique=True)
    scanned_at = models.DateTimeField(_("scanned at"), db_index=True)
    host_count = models.PositiveIntegerField(_("hosts up"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("segment scan")
        verbose_name_plural = _("segment scans")
        ordering = ["-scanned_at"]

    def __str__(self):
        return f"{self.file_name} ({self.scanned_at:%Y-%m-%d})"


class ScanHost(models.Model):
    scan = models.ForeignKey(
        SegmentScan, verbose_name=_("scan"), on_delete=models.CASCADE, related_name="hosts"
    )
    ip = models.GenericIPAddressField(_("IP address"), db_index=True)
    host_name = models.CharField(_("host name"), max_length=100, blank=True)
    mac = models.CharField(_("MAC address"), max_length=20, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("host found by a scan")
        verbose_name_plural = _("hosts found by scans")
        constraints = [
            models.UniqueConstraint(fields=["scan", "ip"], name="antivirus_scan_ip_once")
        ]

    def __str__(self):
        return self.ip


class CoverageSnapshot(models.Model):
    """A segment's coverage in one week, kept for the week-over-week trend."""

    week_start = models.DateField(_("week of"), db_index=True)
    segment = models.ForeignKey(
        NetworkSegment,
        verbose_name=_("network segment"),
        on_delete=models.CASCADE,
        related_name="coverage",
    )
    live = models.PositiveIntegerField(_("live hosts"))
    protected = models.PositiveIntegerField(_("protected"))

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly coverage")
        verbose_name_plural = _("weekly coverage")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["week_start", "segment"], name="antivirus_coverage_week_once"
            )
        ]

    def __str__(self):
        return f"{self.segment} {self.week_start}"
