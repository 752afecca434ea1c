"""Admin of the controlled documents: looked at and corrected here; lifecycles run through
the services (statuses, versions and decisions are read-only)."""

from auditlog.registry import auditlog
from django.contrib import admin

from .models import (
    ControlledDocument,
    DocumentBackup,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
    DocumentValidityCheck,
    DocumentVersion,
    HandInDuty,
    LibraryEntry,
    TechnicalHandIn,
)
from .models.library import models_index

# --- controlled documents ----------------------------------------------------------------
# Statuses, versions and decisions are read-only here: they change through the services,
# which check the approver, keep the old version and write the timeline.

auditlog.register(
    ControlledDocument,
    include_fields=[
        "name",
        "document_class",
        "document_type",
        "description",
        "storage_location",
        "electronic_location",
        "retention_years",
        "custodian",
        "check_interval_months",
    ],
)


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fk_name = "document"
    extra = 0
    can_delete = False
    fields = ["sequence", "label", "original_name", "effective_on", "superseded_on", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class _DecisionInline(admin.TabularInline):
    """The bodies' decisions, read-only: they are made on the pages (or the API)."""

    model = DocumentDecision
    extra = 0
    can_delete = False
    fields = ["stage", "round", "body", "decision", "decided_by", "decided_at", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RegistrationDecisionInline(_DecisionInline):
    fk_name = "document"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind="registration")


class ChangeDecisionInline(_DecisionInline):
    fk_name = "change_application"


class ScrapDecisionInline(_DecisionInline):
    fk_name = "scrap_application"


class BorrowDecisionInline(_DecisionInline):
    fk_name = "borrow_application"


@admin.register(ControlledDocument)
class ControlledDocumentAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "level",
        "document_type",
        "status",
        "release_date",
        "next_check_on",
        "custodian",
    ]
    list_filter = ["level", "document_class", "document_type", "status"]
    search_fields = ["number", "name", "description"]
    list_select_related = ["custodian"]
    raw_id_fields = ["custodian", "registered_by", "released_by", "procedure"]
    inlines = [DocumentVersionInline, RegistrationDecisionInline]
    readonly_fields = [
        "level",
        "status",
        "current_version",
        "release_date",
        "last_checked_on",
        "lock_version",
        "released_by",
        "released_at",
        "scrapped_at",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        # The number is checked against the scheme by the service: set once, at registration.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "number", "procedure"] if obj else fields

    def has_add_permission(self, request):
        return False  # registration goes through the page (number scheme, first version)


class _ApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "document", "status", "requested_by", "decided_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "document__number", "document__name"]
    list_select_related = ["document", "requested_by", "decided_by"]
    raw_id_fields = ["document", "requested_by"]
    readonly_fields = ["number", "status", "decided_by", "decided_at", "lock_version", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(DocumentChangeApplication)
class DocumentChangeApplicationAdmin(_ApplicationAdmin):
    readonly_fields = [
        *_ApplicationAdmin.readonly_fields,
        "file",
        "original_name",
        "size",
        "carried_out_by",
        "carried_out_at",
        "completed_at",
    ]
    inlines = [ChangeDecisionInline]


@admin.register(DocumentScrapApplication)
class DocumentScrapApplicationAdmin(_ApplicationAdmin):
    inlines = [ScrapDecisionInline]


@admin.register(DocumentBorrowApplication)
class DocumentBorrowApplicationAdmin(_ApplicationAdmin):
    list_display = ["number", "document", "status", "borrower", "due_on", "created_at"]
    list_filter = ["status", "borrow_form"]
    raw_id_fields = [*_ApplicationAdmin.raw_id_fields, "borrower"]
    inlines = [BorrowDecisionInline]
    readonly_fields = [
        *_ApplicationAdmin.readonly_fields,
        "lent_by",
        "lent_at",
        "returned_to",
        "returned_at",
    ]


@admin.register(DocumentBackup)
class DocumentBackupAdmin(admin.ModelAdmin):
    list_display = ["number", "backed_up_on", "medium", "location", "performed_by", "verified"]
    list_filter = ["medium", "verified"]
    search_fields = ["number", "content", "location"]
    filter_horizontal = ["documents"]
    raw_id_fields = ["performed_by", "verified_by"]
    readonly_fields = ["number", "created_at", "updated_at"]


@admin.register(DocumentValidityCheck)
class DocumentValidityCheckAdmin(admin.ModelAdmin):
    list_display = ["number", "document", "checked_on", "result", "checked_by"]
    list_filter = ["result"]
    search_fields = ["number", "document__number", "document__name"]
    list_select_related = ["document", "checked_by"]
    raw_id_fields = ["document", "checked_by"]
    readonly_fields = ["number", "created_at"]


# --- the driver and software library, technical hand-ins ------------------------------------

auditlog.register(LibraryEntry, exclude_fields=["models_key", "lock_version"])
auditlog.register(HandInDuty)


@admin.register(LibraryEntry)
class LibraryEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "vendor", "version", "operating_system", "superseded"]
    list_filter = ["kind", "superseded", "ci_classes"]
    search_fields = ["title", "vendor", "device_models", "operating_system", "checksum"]
    filter_horizontal = ["ci_classes"]
    raw_id_fields = ["added_by"]
    readonly_fields = ["original_name", "content_type", "size", "lock_version", "created_at"]

    def save_model(self, request, obj, form, change):
        # The search column follows the models typed here as it does on the pages.
        obj.models_key = models_index(obj.device_models)
        super().save_model(request, obj, form, change)


@admin.register(HandInDuty)
class HandInDutyAdmin(admin.ModelAdmin):
    """The hand-in schedule (who hands in what, when it is due) is data kept here."""

    list_display = ["kind", "assignee", "team", "due_weekday", "due_day", "starts_on", "active"]
    list_filter = ["kind", "active", "team"]
    search_fields = ["assignee__username", "assignee__person__name", "team__name"]
    raw_id_fields = ["assignee"]


@admin.register(TechnicalHandIn)
class TechnicalHandInAdmin(admin.ModelAdmin):
    """Hand-ins are read here; handing in and the review run through the pages."""

    list_display = ["duty", "period_start", "due_on", "status", "submitted_at"]
    list_filter = ["status", "duty__kind"]
    search_fields = ["title", "duty__assignee__username", "entered_record_number"]
    date_hierarchy = "due_on"
    raw_id_fields = ["duty", "submitted_by", "reviewed_by"]
    readonly_fields = [
        "status",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "entered_record_number",
        "lock_version",
        "created_at",
    ]
