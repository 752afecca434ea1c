"""An asset's later life: warranty extended by a repair, replacement of ageing devices
(§3.5.2 asks for the warranty terms in the asset records; the monthly report lists the
devices due for replacement), and the register of tools brought on site (§4.3.2)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel
from servicedesk.models import Location

from ..permissions import AgeingRuleQuerySet, ReplacementProposalQuerySet, SiteToolQuerySet
from .items import CIClass, ConfigurationItem


class WarrantyExtension(TimeStampedModel):
    """A warranty extended by a repair (保修延期记录): the new end, its terms and the repair.

    The repair is a later process the CMDB does not import: it is kept by its number
    (`reference`, which outlives the record) and a generic link for the page's link.
    One extension per repair: recording it twice is refused.
    """

    item = models.ForeignKey(
        ConfigurationItem, verbose_name=_("item"), on_delete=models.CASCADE,
        related_name="warranty_extensions",
    )  # fmt: skip
    previous_end = models.DateField(_("previous warranty end"), null=True, blank=True)
    new_end = models.DateField(_("new warranty end"))
    terms = models.TextField(_("warranty terms"))
    reference = models.CharField(_("repair reference"), max_length=64, db_index=True)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("warranty extension")
        verbose_name_plural = _("warranty extensions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="cmdb_one_warranty_extension_per_repair",
                violation_error_message=_("This repair's warranty extension is recorded."),
            )
        ]

    def __str__(self):
        return f"{self.reference} → {self.new_end}"

    @property
    def source_url(self) -> str:
        source = self.source
        return source.get_absolute_url() if source is not None else ""


class AgeingRule(models.Model):
    """When a device of a class is due for replacement (设备老化更换规则): older than
    `max_age_years`, or `fault_count` faults (work orders naming it) within
    `fault_months` months. Classes without a rule are not checked (accessories)."""

    ci_class = models.OneToOneField(
        CIClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="ageing_rule"
    )
    max_age_years = models.PositiveSmallIntegerField(
        _("maximum age (years)"),
        null=True,
        blank=True,
        help_text=_("Empty: age alone does not make a device a candidate."),
    )
    fault_count = models.PositiveSmallIntegerField(
        _("faults"),
        null=True,
        blank=True,
        help_text=_("This many faults or more within the months below; empty: not checked."),
    )
    fault_months = models.PositiveSmallIntegerField(_("within months"), default=12)

    objects = AgeingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("ageing rule")
        verbose_name_plural = _("ageing rules")
        ordering = ["ci_class__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fault_months__gte=1), name="cmdb_ageing_months_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_age_years__isnull=True) | models.Q(max_age_years__gte=1),
                name="cmdb_ageing_years_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(fault_count__isnull=True) | models.Q(fault_count__gte=1),
                name="cmdb_ageing_faults_positive",
            ),
        ]

    def __str__(self):
        return str(self.ci_class)


class ReplacementProposal(TimeStampedModel):
    """The mark "replacement proposed" (已提出更换建议) on a device, once per device."""

    item = models.OneToOneField(
        ConfigurationItem, verbose_name=_("item"), on_delete=models.CASCADE,
        related_name="replacement_proposal",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = ReplacementProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("replacement proposal")
        verbose_name_plural = _("replacement proposals")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.item_id)


class SiteTool(TimeStampedModel):
    """A tool the service provider brought on site (服务工具登记, §4.3.2), above all any
    that can store data, checked when it comes and goes. On site while `taken_out_on`
    is empty."""

    name = models.CharField(_("tool"), max_length=100)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    stores_data = models.BooleanField(
        _("can store data"),
        default=False,
        help_text=_("USB disks, laptops, cloning tools: checked when brought in and taken out."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner engineer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    owner_company = models.CharField(_("owner company"), max_length=100, blank=True)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    brought_in_on = models.DateField(_("brought in on"))
    taken_out_on = models.DateField(_("taken out on"), null=True, blank=True, db_index=True)
    check_in = models.CharField(
        _("check when brought in"), max_length=300, blank=True,
        help_text=_("For a tool that can store data: what was checked (e.g. empty, no client data)."),
    )  # fmt: skip
    check_out = models.CharField(
        _("check when taken out"), max_length=300, blank=True,
        help_text=_("For a tool that can store data: that it leaves with no client data."),
    )  # fmt: skip
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = SiteToolQuerySet.as_manager()

    class Meta:
        verbose_name = _("tool on site")
        verbose_name_plural = _("tools on site")
        ordering = ["taken_out_on", "name", "serial_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(taken_out_on__isnull=True)
                | models.Q(taken_out_on__gte=models.F("brought_in_on")),
                name="cmdb_tool_out_after_in",
                violation_error_message=_("A tool cannot leave before it came."),
            ),
            models.CheckConstraint(
                condition=~models.Q(owner__isnull=True, owner_company=""),
                name="cmdb_tool_has_owner",
                violation_error_message=_("Name the engineer or the company the tool belongs to."),
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.serial_number}".strip()

    @property
    def on_site(self) -> bool:
        return self.taken_out_on is None
