"""Admin: records are looked at and corrected here; lifecycles run through
the services.

Status, numbers and counts are read-only: publishing from an admin form would skip the
permission check, the transition log and the search index. Saving text here re-indexes.
"""

from auditlog.registry import auditlog
from django.contrib import admin

from . import services
from .models import (
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
