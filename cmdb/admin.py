from auditlog.registry import auditlog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    AgeingRule,
    Baseline,
    CensusCampaign,
    CensusItem,
    CIClass,
    CIRelationship,
    CMDBReminder,
    ConfigurationItem,
    ConfigurationItemUser,
    ImportBatch,
    PartType,
    ReplacementProposal,
    Requisition,
    ServiceOutage,
    SiteTool,
    SoftwareInstallation,
    SoftwareLicence,
    SoftwareProduct,
    SpareUnitLoan,
    Stock,
    Supplier,
    WarrantyAlert,
    WarrantyExtension,
)


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too.
    The lock counter is left out: every step bumps it, and the step itself is logged."""
    skip = {"created_at", "updated_at", "lock_version"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (
    CIClass,
    Supplier,
    CIRelationship,
    PartType,
    Stock,
    Requisition,
    SpareUnitLoan,
    CensusCampaign,
    Baseline,
    ServiceOutage,
    SoftwareProduct,
    SoftwareLicence,
    SoftwareInstallation,
    WarrantyExtension,
    AgeingRule,
    ReplacementProposal,
    SiteTool,
):
    auditlog.register(
        _model, include_fields=[f for f in _own_fields(_model) if f not in ("snapshot",)]
    )
auditlog.register(
    ConfigurationItem, include_fields=_own_fields(ConfigurationItem), m2m_fields={"users"}
)


@admin.register(CIClass)
class CIClassAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tag_prefix", "is_accessory", "service_window"]
    list_filter = ["is_accessory", "service_window"]
    search_fields = ["name", "code"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "contact_phone"]
    search_fields = ["name", "contact_name", "contact_phone"]


class ChildInline(admin.TabularInline):
    model = ConfigurationItem
    fk_name = "parent"
    fields = ["asset_tag", "name", "ci_class", "status", "serial_number"]
    extra = 0
    show_change_link = True
    verbose_name = _("accessory")
    verbose_name_plural = _("accessories")


class UserInline(admin.TabularInline):
    model = ConfigurationItemUser
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name_plural = _("used by")


class OutgoingInline(admin.TabularInline):
    model = CIRelationship
    fk_name = "source"
    autocomplete_fields = ["target"]
    fields = ["type", "target", "note"]
    extra = 0
    verbose_name_plural = _("relationships from this item")


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(admin.ModelAdmin):
    list_display = [
        "asset_tag",
        "name",
        "ci_class",
        "status",
        "department",
        "location",
        "responsible",
        "warranty_end",
        "ip_address",
    ]
    list_filter = ["ci_class", "status", "seal_status", "department", "location__building"]
    search_fields = ["asset_tag", "name", "serial_number", "system_serial", "contract_number"]
    list_select_related = ["ci_class", "department", "location__building", "responsible"]
    autocomplete_fields = ["parent", "responsible", "supplier", "department", "location"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [UserInline, OutgoingInline, ChildInline]
    fieldsets = [
        (None, {"fields": ["asset_tag", "name", "ci_class", "status", "parent"]}),
        (
            _("Label"),
            {
                "fields": [
                    "contract_number",
                    "serial_number",
                    "system_serial",
                    "ip_address",
                    "warranty_end",
                    "purchased_on",
                    "supplier",
                ]
            },
        ),
        (
            _("Where and who"),
            {
                "fields": [
                    "responsible",
                    "department",
                    "location",
                    "service_level",
                    "service_window",
                ]
            },
        ),
        (_("Tamper seal"), {"fields": ["seal_status", "seal_checked_at"]}),
        (_("More"), {"fields": ["attributes", "notes", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Through the service, so accessories follow a moved parent.
        services.ci_save(actor=request.user, ci=obj)


@admin.register(CIRelationship)
class CIRelationshipAdmin(admin.ModelAdmin):
    list_display = ["source", "type", "target", "note", "created_at"]
    list_filter = ["type"]
    search_fields = ["source__asset_tag", "source__name", "target__asset_tag", "target__name"]
    list_select_related = ["source", "target"]
    autocomplete_fields = ["source", "target"]


# --- Census, import, spares, baselines ---------------------------------------------------


class CensusItemInline(admin.TabularInline):
    model = CensusItem
    fields = ["item", "observed_tag", "result", "observed_location", "review", "checked_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CensusCampaign)
class CensusCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "due_date", "started_at", "closed_at", "created_by"]
    list_filter = ["status"]
    search_fields = ["name"]
    filter_horizontal = ["departments", "locations"]
    readonly_fields = ["status", "started_at", "closed_at", "created_by"]
    inlines = [CensusItemInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "filename", "status", "mode", "created_by", "created_at", "expires_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
    exclude = ["rows", "plan", "report"]

    def has_add_permission(self, request):
        return False


class StockInline(admin.TabularInline):
    model = Stock
    fields = ["location", "quantity", "minimum_level", "low_alerted_at"]
    readonly_fields = ["low_alerted_at"]
    extra = 0


@admin.register(PartType)
class PartTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "model", "unit", "unit_cost"]
    search_fields = ["name", "model"]
    inlines = [StockInline]


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ["part_type", "location", "quantity", "minimum_level", "low_alerted_at"]
    list_select_related = ["part_type", "location__building"]
    search_fields = ["part_type__name", "part_type__model"]
    readonly_fields = ["low_alerted_at"]


@admin.register(Requisition)
class RequisitionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "stock",
        "quantity",
        "work_order_number",
        "department",
        "status",
        "cost",
        "requested_by",
    ]
    list_filter = ["status", "department"]
    search_fields = ["number", "work_order_number"]
    list_select_related = [
        "stock__part_type",
        "stock__location__building",
        "requested_by",
        "department",
    ]
    # Stock moves only through the services (never below zero): no edits here.
    readonly_fields = [f.name for f in Requisition._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SpareUnitLoan)
class SpareUnitLoanAdmin(admin.ModelAdmin):
    list_display = ["spare", "borrower", "lent_at", "due_back", "returned_at"]
    list_select_related = ["spare", "borrower"]
    readonly_fields = [f.name for f in SpareUnitLoan._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "ci_class", "taken_at", "item_count"]
    readonly_fields = ["taken_at", "taken_by", "item_count"]
    exclude = ["snapshot"]


@admin.register(WarrantyAlert)
class WarrantyAlertAdmin(admin.ModelAdmin):
    list_display = ["item", "threshold_days", "warranty_end", "sent_at"]
    list_select_related = ["item"]


@admin.register(CMDBReminder)
class CMDBReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "sent_at"]


@admin.register(ServiceOutage)
class ServiceOutageAdmin(admin.ModelAdmin):
    list_display = ["service_name", "started_at", "ended_at", "source", "source_number"]
    list_filter = ["source"]
    search_fields = ["service_name", "source_number", "cause"]
    date_hierarchy = "started_at"
    raw_id_fields = ["service", "recorded_by"]
    readonly_fields = ["lock_version", "created_at", "updated_at"]


class SoftwareLicenceInline(admin.TabularInline):
    model = SoftwareLicence
    extra = 0
    fields = ["reference", "licence_type", "seats", "expires_on", "media_location"]


@admin.register(SoftwareProduct)
class SoftwareProductAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher", "category", "requires_licence"]
    list_filter = ["category", "requires_licence"]
    search_fields = ["name", "publisher", "aliases"]
    inlines = [SoftwareLicenceInline]


@admin.register(SoftwareLicence)
class SoftwareLicenceAdmin(admin.ModelAdmin):
    list_display = ["product", "reference", "licence_type", "seats", "expires_on", "supplier"]
    list_filter = ["licence_type", "product__category"]
    search_fields = ["product__name", "reference", "contract_number"]
    list_select_related = ["product", "supplier"]
    autocomplete_fields = ["product"]


@admin.register(SoftwareInstallation)
class SoftwareInstallationAdmin(admin.ModelAdmin):
    list_display = ["ci", "product", "licence", "source", "last_seen"]
    list_filter = ["source", "product__category"]
    search_fields = ["ci__asset_tag", "ci__name", "product__name"]
    list_select_related = ["ci", "product", "licence__product"]
    raw_id_fields = ["ci", "recorded_by"]
    autocomplete_fields = ["product", "licence"]
    date_hierarchy = "last_seen"


@admin.register(WarrantyExtension)
class WarrantyExtensionAdmin(admin.ModelAdmin):
    """Recorded from the repair (repairs → the device's warranty end moves): read here."""

    list_display = ["item", "previous_end", "new_end", "reference", "recorded_by", "created_at"]
    list_select_related = ["item", "recorded_by"]
    search_fields = ["item__asset_tag", "reference", "terms"]
    readonly_fields = [f.name for f in WarrantyExtension._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AgeingRule)
class AgeingRuleAdmin(admin.ModelAdmin):
    """When a device is due for replacement: the settings of the ageing-devices list."""

    list_display = ["ci_class", "max_age_years", "fault_count", "fault_months"]
    list_editable = ["max_age_years", "fault_count", "fault_months"]
    list_select_related = ["ci_class"]


@admin.register(ReplacementProposal)
class ReplacementProposalAdmin(admin.ModelAdmin):
    list_display = ["item", "proposed_by", "created_at", "note"]
    list_select_related = ["item", "proposed_by"]
    search_fields = ["item__asset_tag", "note"]
    raw_id_fields = ["item", "proposed_by"]


@admin.register(SiteTool)
class SiteToolAdmin(admin.ModelAdmin):
    list_display = [
        "name", "serial_number", "stores_data", "owner", "owner_company", "location",
        "brought_in_on", "taken_out_on",
    ]  # fmt: skip
    list_filter = ["stores_data", ("taken_out_on", admin.EmptyFieldListFilter)]
    list_select_related = ["owner", "location__building"]
    search_fields = ["name", "serial_number", "owner_company"]
    raw_id_fields = ["owner", "registered_by"]
