from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel
from servicedesk.models import Department, Location, ServiceLevel

from ..attributes import clean_attributes, validate_schema
from ..choices import (
    WARRANTY_EXPIRING_DAYS,
    CIStatus,
    RelationshipType,
    SealStatus,
    ServiceWindow,
    WarrantyStatus,
)
from ..permissions import CIRelationshipQuerySet, ConfigurationItemQuerySet
from .suppliers import Supplier


class CIClass(models.Model):
    """A kind of configuration item (desktop PC, printer, server…) and its extra attributes.

    `attribute_schema` lets an admin add fields to a class without a code change: a list
    of `{"key", "label", "type", "required", "choices"}` (see cmdb.attributes).
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    icon = models.CharField(
        _("icon"), max_length=40, blank=True, help_text=_("A Bootstrap icon name, e.g. pc-display.")
    )
    tag_prefix = models.CharField(
        _("asset tag prefix"), max_length=10, blank=True, help_text=_("Suggested start of tags.")
    )
    attribute_schema = models.JSONField(
        _("extra attributes"),
        default=list,
        blank=True,
        help_text=_(
            'A list such as [{"key": "cpu", "label": "CPU", "type": "text", "required": false}]. '
            "Types: text, integer, decimal, boolean, date, choice (with a choices list)."
        ),
    )
    is_accessory = models.BooleanField(
        _("accessory class"),
        default=False,
        help_text=_("Items of this class usually belong to a parent item (monitor, keyboard)."),
    )
    service_window = models.CharField(
        _("service window"),
        max_length=10,
        choices=ServiceWindow.choices,
        blank=True,
        help_text=_(
            "Items of this class are services whose availability is reported (98 % "
            "committed) in this window; empty: not a service."
        ),
    )

    class Meta:
        verbose_name = _("configuration item class")
        verbose_name_plural = _("configuration item classes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            validate_schema(self.attribute_schema)
        except ValidationError as exc:
            raise ValidationError({"attribute_schema": exc.messages}) from exc


class ConfigurationItem(TimeStampedModel):
    """An asset or service under configuration management (配置项), one label per item."""

    asset_tag = models.CharField(
        _("asset tag"),
        max_length=50,
        unique=True,
        help_text=_("Unique; the value of the barcode on the label."),
    )
    name = models.CharField(_("asset name"), max_length=200)
    ci_class = models.ForeignKey(
        CIClass, verbose_name=_("class"), on_delete=models.PROTECT, related_name="items"
    )
    contract_number = models.CharField(_("contract purchase number"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    purchased_on = models.DateField(
        _("purchased on"),
        null=True,
        blank=True,
        help_text=_("The device's age (replacement of ageing devices) counts from this day."),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    system_serial = models.CharField(_("system serial"), max_length=100, blank=True)
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_cis",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("used by"),
        blank=True,
        through="ConfigurationItemUser",
        related_name="used_cis",
        help_text=_("People who use a shared item (a shared printer, a business application)."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="configuration_items",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="configuration_items",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CIStatus.choices, default=CIStatus.IN_USE
    )
    seal_status = models.CharField(
        _("tamper seal"), max_length=10, choices=SealStatus.choices, default=SealStatus.NONE
    )
    seal_checked_at = models.DateTimeField(_("seal last checked"), null=True, blank=True)
    service_level = models.ForeignKey(
        ServiceLevel,
        verbose_name=_("service level override"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="configuration_items",
        help_text=_("Key devices may have a higher level than their user's."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("For accessories: they move with their parent."),
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    service_window = models.CharField(
        _("service window"),
        max_length=10,
        choices=ServiceWindow.choices,
        blank=True,
        help_text=_("Overrides the class's service window; empty: as the class says."),
    )

    objects = ConfigurationItemQuerySet.as_manager()

    # Fields an accessory copies from its parent whenever the parent's change.
    FOLLOWS_PARENT = ("location", "department", "responsible")

    class Meta:
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        ordering = ["asset_tag"]
        indexes = [
            models.Index(Upper("asset_tag"), name="cmdb_ci_tag_upper_idx"),
            models.Index(fields=["status", "asset_tag"], name="cmdb_ci_status_idx"),
            models.Index(fields=["warranty_end"], name="cmdb_ci_warranty_idx"),
            models.Index(fields=["name"], name="cmdb_ci_name_idx"),
            models.Index(fields=["serial_number"], name="cmdb_ci_serial_idx"),
            models.Index(fields=["ip_address"], name="cmdb_ci_ip_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Upper("asset_tag"),
                name="cmdb_ci_tag_unique_ignoring_case",
                violation_error_message=_("An item with this asset tag already exists."),
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="cmdb_ci_not_own_parent",
            ),
        ]

    def __str__(self):
        return f"{self.asset_tag} {self.name}"

    def get_absolute_url(self):
        return reverse("cmdb:ci_detail", args=[self.pk])

    # Lets auditlog store why a change was made (a work order or change number).
    _change_reason = ""

    def get_additional_data(self):
        return {"reason": self._change_reason} if self._change_reason else None

    @property
    def effective_service_window(self) -> str:
        """The window availability is measured in ("" for an item that is no service)."""
        return self.service_window or self.ci_class.service_window

    @property
    def warranty_status(self) -> str:
        """in_warranty, expiring (ends within 60 days), expired or unknown (no end date)."""
        return warranty_status_on(self.warranty_end, timezone.localdate())

    def get_warranty_status_display(self) -> str:
        return WarrantyStatus(self.warranty_status).label

    @property
    def warranty_colour(self) -> str:
        return WarrantyStatus(self.warranty_status).colour

    @property
    def status_colour(self) -> str:
        return CIStatus(self.status).colour

    def effective_service_level(self):
        """The item's own override, else its responsible person's effective level, else None.

        No query when `service_level` and `responsible__person__{service_level,
        department__service_level}` are select_related.
        """
        if self.service_level_id:
            return self.service_level
        if self.responsible_id is None:
            return None
        try:
            person = self.responsible.person
        except ObjectDoesNotExist:
            return None
        return person.effective_service_level()

    def clean(self):
        errors = {}
        if self.asset_tag:
            self.asset_tag = self.asset_tag.strip()
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An item cannot be its own parent.")
        elif self.parent_id and self.pk and self._parent_chain_contains_self():
            errors["parent"] = _("This parent is one of the item's own accessories.")
        if self.ci_class_id:
            try:
                self.attributes = clean_attributes(self.ci_class.attribute_schema, self.attributes)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)

    def _parent_chain_contains_self(self) -> bool:
        seen, current = set(), self.parent_id
        while current and current not in seen:
            if current == self.pk:
                return True
            seen.add(current)
            current = (
                ConfigurationItem.objects.filter(pk=current)
                .values_list("parent_id", flat=True)
                .first()
            )
        return False


def warranty_status_on(warranty_end: date | None, today: date) -> str:
    if warranty_end is None:
        return WarrantyStatus.UNKNOWN
    days_left = (warranty_end - today).days
    if days_left < 0:
        return WarrantyStatus.EXPIRED
    if days_left <= WARRANTY_EXPIRING_DAYS:
        return WarrantyStatus.EXPIRING
    return WarrantyStatus.IN_WARRANTY


class ConfigurationItemUser(models.Model):
    """A person who uses a shared item; impact analysis counts them as affected."""

    item = models.ForeignKey(ConfigurationItem, on_delete=models.CASCADE, related_name="user_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ci_user_links"
    )

    class Meta:
        verbose_name = _("item user")
        verbose_name_plural = _("item users")
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="cmdb_ci_user_unique")]

    def __str__(self):
        return f"{self.item_id} → {self.user_id}"


class CIRelationship(TimeStampedModel):
    """A typed link that reads "source <type> target" (业务系统 runs on 服务器).

    Which way a failure spreads depends on the type: see cmdb.choices.IMPACT_FLOWS_TO_SOURCE.
    """

    source = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="outgoing_relationships",
    )
    type = models.CharField(_("type"), max_length=20, choices=RelationshipType.choices)
    target = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("target"),
        on_delete=models.CASCADE,
        related_name="incoming_relationships",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CIRelationshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["source", "type", "target"]
        indexes = [
            models.Index(fields=["target", "type"], name="cmdb_rel_target_type_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "type"],
                name="cmdb_relationship_unique",
                violation_error_message=_("These items are already related this way."),
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="cmdb_relationship_not_to_itself",
                violation_error_message=_("An item cannot be related to itself."),
            ),
        ]

    def __str__(self):
        return self.label()

    def label(self) -> str:
        return f"{self.source.asset_tag} {self.get_type_display()} {self.target.asset_tag}"

    def get_additional_data(self):
        """Both ends, so each item's timeline can show its links coming and going."""
        return {"source": self.source_id, "target": self.target_id, "label": self.label()}
