"""Software and licences per device (软件及许可, §3.3.4.1 / §3.3.4.3).

A product is a title as the census names it (aliases catch other spellings); a licence
is what the client owns of it (seats, key, where the media and the manual are kept); an
installation is the product on one configuration item, recorded by the inspection's
software census, an asset import or by hand, and counted against the product's seats.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel

from ..choices import InstallationSource, LicenceType, SoftwareCategory
from ..permissions import (
    SoftwareInstallationQuerySet,
    SoftwareLicenceQuerySet,
    SoftwareProductQuerySet,
)
from .items import ConfigurationItem
from .suppliers import Supplier


def title_key(title: str) -> str:
    """How titles are compared: case, spaces and full-width spaces do not matter."""
    return " ".join(str(title).replace("\u3000", " ").split()).upper()


class SoftwareProduct(TimeStampedModel):
    """A software title (软件产品), e.g. "Microsoft Office 2019 专业版"."""

    name = models.CharField(_("name"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=100, blank=True)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=SoftwareCategory.choices,
        default=SoftwareCategory.OTHER,
    )
    requires_licence = models.BooleanField(
        _("needs a licence"),
        default=True,
        help_text=_("Untick for free software: its installations are never unlicensed."),
    )
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Other spellings the census uses for this product, one per line."),
    )

    objects = SoftwareProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("software product")
        verbose_name_plural = _("software products")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Upper("name"),
                name="cmdb_software_name_unique",
                violation_error_message=_("A software product with this name already exists."),
            )
        ]

    def __str__(self):
        return self.name

    def title_keys(self) -> set[str]:
        """The compared forms of its name and aliases."""
        return {title_key(t) for t in [self.name, *self.aliases.splitlines()] if t.strip()}


class SoftwareLicence(TimeStampedModel):
    """What the client owns of a product (软件许可): seats, key, media and manual."""

    product = models.ForeignKey(
        SoftwareProduct,
        verbose_name=_("software product"),
        on_delete=models.PROTECT,
        related_name="licences",
    )
    reference = models.CharField(
        _("licence number"),
        max_length=100,
        help_text=_("The licence certificate or agreement number."),
    )
    licence_type = models.CharField(
        _("licence type"), max_length=20, choices=LicenceType.choices, default=LicenceType.VOLUME
    )
    seats = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("How many devices it covers; empty for a site or free licence (unlimited)."),
    )
    licence_key = models.CharField(
        _("licence key"),
        max_length=200,
        blank=True,
        help_text=_("Shown only to those who may edit licences."),
    )
    contract_number = models.CharField(_("contract purchase number"), max_length=100, blank=True)
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="software_licences",
    )
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    expires_on = models.DateField(
        _("expires on"), null=True, blank=True, help_text=_("Empty: perpetual.")
    )
    media_location = models.CharField(_("installation media kept at"), max_length=200, blank=True)
    manual_location = models.CharField(_("manual kept at"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = SoftwareLicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("software licence")
        verbose_name_plural = _("software licences")
        ordering = ["product__name", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "reference"],
                name="cmdb_licence_reference_unique",
                violation_error_message=_("This product already has a licence with this number."),
            )
        ]

    def __str__(self):
        return f"{self.product.name} {self.reference}"

    @property
    def unlimited(self) -> bool:
        return self.seats is None

    def is_valid_on(self, day) -> bool:
        return self.expires_on is None or self.expires_on >= day

    @property
    def is_expired(self) -> bool:
        return not self.is_valid_on(timezone.localdate())


class SoftwareInstallation(models.Model):
    """A product installed on a configuration item (one row per item and product)."""

    ci = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("configuration item"),
        on_delete=models.CASCADE,
        related_name="installations",
    )
    product = models.ForeignKey(
        SoftwareProduct,
        verbose_name=_("software product"),
        on_delete=models.PROTECT,
        related_name="installations",
    )
    version = models.CharField(_("version"), max_length=50, blank=True)
    licence = models.ForeignKey(
        SoftwareLicence,
        verbose_name=_("licence in use"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="installations",
    )
    source = models.CharField(_("recorded from"), max_length=20, choices=InstallationSource.choices)
    reference = models.CharField(
        _("recorded by form"),
        max_length=50,
        blank=True,
        help_text=_("The inspection record or import that last saw it."),
    )
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SoftwareInstallationQuerySet.as_manager()

    class Meta:
        verbose_name = _("software installation")
        verbose_name_plural = _("software installations")
        ordering = ["ci", "product__name"]
        indexes = [models.Index(fields=["product", "licence"], name="cmdb_install_product_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["ci", "product"],
                name="cmdb_install_once_per_item",
                violation_error_message=_("This product is already recorded on this item."),
            )
        ]

    def __str__(self):
        return f"{self.ci_id}: {self.product_id}"
