from auditlog.registry import auditlog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser, Supplier


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too."""
    skip = {"created_at", "updated_at"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (CIClass, Supplier, CIRelationship):
    auditlog.register(_model, include_fields=_own_fields(_model))
auditlog.register(
    ConfigurationItem, include_fields=_own_fields(ConfigurationItem), m2m_fields={"users"}
)


@admin.register(CIClass)
class CIClassAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "tag_prefix", "is_accessory"]
    list_filter = ["is_accessory"]
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
                    "supplier",
                ]
            },
        ),
        (
            _("Where and who"),
            {"fields": ["responsible", "department", "location", "service_level"]},
        ),
        (_("Tamper seal"), {"fields": ["seal_status", "seal_checked_at"]}),
        (_("More"), {"fields": ["attributes", "notes", "created_at", "updated_at"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Through the service, so accessories follow a moved parent.
        services.ci_save(ci=obj)


@admin.register(CIRelationship)
class CIRelationshipAdmin(admin.ModelAdmin):
    list_display = ["source", "type", "target", "note", "created_at"]
    list_filter = ["type"]
    search_fields = ["source__asset_tag", "source__name", "target__asset_tag", "target__name"]
    list_select_related = ["source", "target"]
    autocomplete_fields = ["source", "target"]
