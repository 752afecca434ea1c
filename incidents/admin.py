"""Admin: reference data (SLA policies) is edited here; work orders are looked at, not driven.

Status and the SLA clocks are read-only: transitions go through the services so they
are permission-checked, logged on the timeline and notified, which an admin form is not.
"""

from auditlog.registry import auditlog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from itsm import workflow

from .mail import admin as _mail_admin  # noqa: F401  (registers InboundMailAdmin)
from .models import (
    Attachment,
    Callback,
    Complaint,
    ComplaintCause,
    FaultReport,
    HistoryImportBatch,
    HoldPeriod,
    ServiceRecord,
    SlaNotice,
    SlaPolicy,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderLink,
)


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too."""
    skip = {"created_at", "updated_at"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (WorkOrder, Callback, Complaint, SlaPolicy, ServiceRecord):
    auditlog.register(_model, include_fields=_own_fields(_model))


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = WorkOrderEvent
    fields = ["at", "kind", "actor", "status_from", "status_to", "is_internal", "body"]
    readonly_fields = fields
    ordering = ["at", "pk"]
    verbose_name_plural = _("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "is_internal", "uploaded_by", "created_at"]
    readonly_fields = fields


class HoldInline(ReadOnlyInline):
    model = HoldPeriod
    fields = ["reason", "started_at", "ended_at"]
    readonly_fields = fields


class LinkInline(admin.TabularInline):
    model = WorkOrderLink
    fields = ["content_type", "object_id", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    extra = 0


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "priority",
        "service_level",
        "requester",
        "assignee",
        "resolve_due_at",
        "response_breached",
        "resolution_breached",
        "created_at",
    ]
    list_filter = [
        "status",
        "priority",
        "channel",
        "service_level",
        "response_breached",
        "resolution_breached",
        "first_contact_resolution",
        "team",
        "service_type",
        "response_mode",
        "vehicle_needed",
        ("imported_at", admin.EmptyFieldListFilter),
    ]
    search_fields = [
        "number",
        "external_number",
        "title",
        "requester__username",
        "requester__person__name",
        "assignee__person__name",
    ]
    list_select_related = ["service_level", "requester", "assignee"]
    date_hierarchy = "created_at"
    show_full_result_count = False  # COUNT(*) over 100k rows on every page is not worth it
    raw_id_fields = [
        "requester",
        "created_by",
        "assignee",
        "device",
        "category",
        "parent",
        "merged_into",
        "location",
        "department",
    ]
    readonly_fields = [
        "number",
        "status",
        "lock_version",
        "priority",
        "service_level",
        "hold_reason",
        "assignee",
        "assigned_at",
        "accepted_at",
        "responded_at",
        "resolved_at",
        "closed_at",
        "escalated_at",
        "manager_notified_at",
        "response_due_at",
        "resolve_due_at",
        "dispatch_due_at",
        "accept_due_at",
        "manager_escalation_due_at",
        "response_breached",
        "resolution_breached",
        "close_reason",
        "cancel_reason",
        "rating",
        "rating_comment",
        "callback_satisfaction",
        "reopen_count",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "status", "lock_version"),
                    "title",
                    "description",
                    ("channel", "requester", "created_by", "contact_phone"),
                    ("department", "location"),
                    ("category", "device"),
                ]
            },
        ),
        (
            _("Priority and service level"),
            {"fields": [("impact", "urgency", "priority", "service_level")]},
        ),
        (
            _("Handling"),
            {"fields": [("assignee", "team"), "hold_reason", ("parent", "merged_into")]},
        ),
        (
            _("SLA clocks"),
            {
                "fields": [
                    ("response_due_at", "responded_at", "response_breached"),
                    ("resolve_due_at", "resolved_at", "resolution_breached"),
                    ("dispatch_due_at", "assigned_at"),
                    ("accept_due_at", "accepted_at"),
                    ("escalated_at", "manager_escalation_due_at", "manager_notified_at"),
                ]
            },
        ),
        (
            _("Outcome"),
            {
                "fields": [
                    "resolution",
                    ("first_contact_resolution", "knowledge_record_id"),
                    ("close_reason", "cancel_reason", "closed_at"),
                    ("rating", "rating_comment", "callback_satisfaction", "reopen_count"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]
    inlines = [EventInline, AttachmentInline, HoldInline, LinkInline]

    def has_add_permission(self, request):
        return False  # filed through the portal or the API, so it is numbered and clocked

    def save_model(self, request, obj, form, change):
        # Admin edits are corrections; a new lock_version makes an open page elsewhere reload.
        if change:
            workflow.save(obj)
        else:
            super().save_model(request, obj, form, change)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "service_level",
        "priority",
        "response_minutes",
        "resolution_minutes",
    ]
    list_editable = ["response_minutes", "resolution_minutes"]
    list_filter = ["service_level", "priority"]
    list_select_related = ["service_level"]


@admin.register(SlaNotice)
class SlaNoticeAdmin(admin.ModelAdmin):
    list_display = ["work_order", "clock", "level", "due_at", "created_at"]
    list_filter = ["clock", "level"]
    search_fields = ["work_order__number"]
    list_select_related = ["work_order"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["work_order", "agent", "outcome", "satisfaction", "at"]
    list_filter = ["outcome", "satisfaction"]
    search_fields = ["work_order__number", "comment"]
    list_select_related = ["work_order", "agent"]
    raw_id_fields = ["work_order", "agent"]
    date_hierarchy = "at"


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "work_order",
        "engineer",
        "raised_by",
        "department",
        "cause",
        "status",
        "created_at",
    ]
    list_filter = ["status", "cause", "department"]
    search_fields = ["work_order__number", "description", "outcome"]
    list_select_related = ["work_order", "engineer", "raised_by", "department", "cause"]
    raw_id_fields = ["work_order", "engineer", "raised_by", "handled_by"]
    readonly_fields = ["created_at"]


@admin.register(ComplaintCause)
class ComplaintCauseAdmin(admin.ModelAdmin):
    """The causes the supervisor picks from when handling a complaint; deactivate rather
    than delete a cause complaints already carry."""

    list_display = ["name", "code", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    prepopulated_fields = {"code": ["name"]}


auditlog.register(ComplaintCause)


@admin.register(HoldPeriod)
class HoldPeriodAdmin(admin.ModelAdmin):
    list_display = ["work_order", "reason", "started_at", "ended_at"]
    list_filter = ["reason"]
    search_fields = ["work_order__number"]
    list_select_related = ["work_order"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WorkOrderLink)
class WorkOrderLinkAdmin(admin.ModelAdmin):
    list_display = ["work_order", "content_type", "object_id", "created_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["work_order__number", "object_id"]
    list_select_related = ["work_order", "content_type", "created_by"]
    raw_id_fields = ["work_order", "created_by"]


@admin.register(FaultReport)
class FaultReportAdmin(admin.ModelAdmin):
    list_display = ["number", "work_order", "started_at", "ended_at", "written_by"]
    search_fields = ["number", "work_order__number", "cause"]
    raw_id_fields = ["work_order", "written_by"]
    readonly_fields = ["number"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(admin.ModelAdmin):
    """Looked at here; written, confirmed and reviewed through the pages (the services)."""

    list_display = ["number", "work_order", "engineer", "arrived_at", "status", "confirmed_at"]
    list_filter = ["status", "confirmation_method"]
    search_fields = ["number", "work_order__number", "work_done", "parts_used"]
    list_select_related = ["work_order", "engineer"]
    raw_id_fields = ["work_order", "engineer", "confirmed_by", "reviewed_by"]
    filter_horizontal = ["requisitions"]
    readonly_fields = ["number", "status", "lock_version", "reviewed_by", "reviewed_at"]
    date_hierarchy = "arrived_at"


@admin.register(HistoryImportBatch)
class HistoryImportBatchAdmin(admin.ModelAdmin):
    """Work-order history imports (incidents.history_import); made on their own pages."""

    list_display = ["pk", "filename", "status", "mode", "created_by", "created_at", "expires_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in HistoryImportBatch._meta.fields]
    exclude = ["rows", "plan", "report"]

    def has_add_permission(self, request):
        return False
