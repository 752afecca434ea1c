"""Admin: records and documents are looked at and corrected here; lifecycles run through
the services.

Status, numbers and counts are read-only: publishing from an admin form would skip the
permission check, the transition log and the search index. Saving text here re-indexes.
"""

from auditlog.registry import auditlog
from django.contrib import admin

from . import services
from .models import (
    ControlledDocument,
    DocumentBackup,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
    DocumentValidityCheck,
    DocumentVersion,
    KnowledgeFeedback,
    KnowledgeRecord,
)

# Counters change on every view and vote: they would drown the audit trail.
_NOT_AUDITED = {"created_at", "updated_at", "view_count", "helpful_count", "not_helpful_count"}
auditlog.register(
    KnowledgeRecord,
    include_fields=[
        f.name for f in KnowledgeRecord._meta.concrete_fields if f.name not in _NOT_AUDITED
    ],
)


@admin.register(KnowledgeRecord)
class KnowledgeRecordAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "fault_type",
        "status",
        "audience",
        "version",
        "helpful_count",
        "not_helpful_count",
        "view_count",
        "updated_at",
    ]
    list_filter = ["status", "audience", "fault_type__parent__parent", "fault_type__parent"]
    search_fields = ["number", "title", "source_work_order_number", "related_numbers"]
    list_select_related = ["fault_type"]
    autocomplete_fields = ["previous_version", "merged_into"]
    raw_id_fields = ["author", "reviewed_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "number",
        "status",
        "version",
        "lock_version",
        "helpful_count",
        "not_helpful_count",
        "view_count",
        "reviewed_at",
        "published_at",
        "retired_at",
        "created_at",
        "updated_at",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.record_index(obj)


@admin.register(KnowledgeFeedback)
class KnowledgeFeedbackAdmin(admin.ModelAdmin):
    list_display = ["record", "user", "helpful", "from_report", "created_at"]
    list_filter = ["helpful", "from_report"]
    list_select_related = ["record", "user"]
    raw_id_fields = ["record", "user"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False


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
        "revision",
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
    readonly_fields = ["number", "status", "decided_by", "decided_at", "revision", "created_at"]
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
