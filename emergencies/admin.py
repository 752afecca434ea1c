from auditlog.registry import auditlog
from django.contrib import admin

from .models import (
    DisasterMeasure,
    Drill,
    Emergency,
    EmergencyChange,
    EmergencyReport,
    Evaluation,
    FacilityIncident,
    FollowUpTask,
    Plan,
    ProcessEntry,
    ResourceRequest,
    StatusUpdate,
    TeamMember,
)


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too."""
    skip = {"created_at", "updated_at", "lock_version", "overdue_notified_for"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (
    Emergency,
    ResourceRequest,
    Evaluation,
    EmergencyReport,
    DisasterMeasure,
    Drill,
    FacilityIncident,
):
    auditlog.register(_model, include_fields=_own_fields(_model))


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    raw_id_fields = ["user", "added_by"]
    extra = 0


class PlanInline(admin.StackedInline):
    model = Plan
    raw_id_fields = ["author"]
    extra = 0


@admin.register(Emergency)
class EmergencyAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "type", "severity", "status", "commander", "created_at"]
    list_filter = ["status", "type", "severity", "approval_mode"]
    search_fields = ["number", "title", "scope"]
    list_select_related = ["commander"]
    raw_id_fields = [
        "commander",
        "declared_by",
        "work_order",
        "service",
        "approved_by",
        "approval_recorded_by",
    ]
    filter_horizontal = ["affected_items"]
    readonly_fields = ["number", "status", "round", "lock_version", "created_at", "updated_at"]
    inlines = [TeamMemberInline, PlanInline]


@admin.register(ProcessEntry)
class ProcessEntryAdmin(admin.ModelAdmin):
    list_display = ["emergency", "at", "actor", "kind", "on_site", "signed_by"]
    list_filter = ["kind", "on_site"]
    raw_id_fields = ["emergency", "actor"]


@admin.register(StatusUpdate)
class StatusUpdateAdmin(admin.ModelAdmin):
    list_display = ["emergency", "sent_at", "author", "recipient_count"]
    raw_id_fields = ["emergency", "author"]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["emergency", "role", "user", "name", "organisation", "joined_at"]
    list_filter = ["role"]
    raw_id_fields = ["emergency", "user", "added_by"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["emergency", "round", "author", "created_at"]
    raw_id_fields = ["emergency", "author"]


@admin.register(ResourceRequest)
class ResourceRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "emergency", "kind", "status", "cost", "requested_by"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "description", "product", "supplier"]
    raw_id_fields = ["emergency", "requested_by", "decided_by", "result_by", "confirmed_by"]
    readonly_fields = ["number", "status", "lock_version"]


@admin.register(EmergencyChange)
class EmergencyChangeAdmin(admin.ModelAdmin):
    list_display = ["emergency", "change", "approved_by", "approved_at"]
    raw_id_fields = ["emergency", "change", "approved_by"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["number", "emergency", "round", "outcome", "evaluated_by", "evaluated_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["emergency", "evaluated_by", "problem", "change"]
    readonly_fields = ["number"]


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(admin.ModelAdmin):
    list_display = ["description", "emergency", "assignee", "due_date", "done_at"]
    raw_id_fields = ["emergency", "assignee"]


@admin.register(EmergencyReport)
class EmergencyReportAdmin(admin.ModelAdmin):
    list_display = ["number", "period", "starts_on", "ends_on", "reporter", "supervisor"]
    raw_id_fields = ["reporter", "supervisor"]
    readonly_fields = ["number"]


@admin.register(DisasterMeasure)
class DisasterMeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "phone", "order", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["title", "body"]


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "held_on", "result", "recorded_by"]
    list_filter = ["kind", "result"]
    search_fields = ["number", "scenario", "participants"]
    raw_id_fields = ["recorded_by"]
    readonly_fields = ["number"]


@admin.register(FacilityIncident)
class FacilityIncidentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "kind", "occurred_at", "status", "reported_at"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "title", "place"]
    raw_id_fields = ["emergency", "written_by", "reviewed_by", "reported_by"]
    readonly_fields = ["number", "status", "lock_version"]
