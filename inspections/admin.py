from auditlog.registry import auditlog
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    BackupPlan,
    BackupRecord,
    ChecklistItem,
    ChecklistTemplate,
    Discrepancy,
    DueReminder,
    Facility,
    FacilityCheck,
    FacilitySchedule,
    InspectionApproval,
    InspectionPlan,
    InspectionRecord,
    InspectionReminder,
    InspectionReport,
    InspectionRound,
    PlanDevice,
    RestoreTest,
    ResultLine,
    UnknownScan,
)


def _own_fields(model) -> list[str]:
    """The model's own columns, without stamps the transitions already show."""
    skip = {
        "created_at", "updated_at", "lock_version", "status", "submitted_at", "approved_at",
        "figures", "pdf", "client_id",
    }  # fmt: skip
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (
    ChecklistTemplate,
    InspectionPlan,
    InspectionRecord,
    InspectionReport,
    Discrepancy,
    InspectionApproval,
    Facility,
    FacilityCheck,
    BackupPlan,
):
    auditlog.register(_model, include_fields=_own_fields(_model))


def _used(template) -> bool:
    return template is not None and (template.records.exists() or template.facility_checks.exists())


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "ci_class", "facility_kind", "version", "is_active"]
    list_filter = ["ci_class", "facility_kind", "is_active"]
    inlines = [ChecklistItemInline]
    actions = ["new_version"]

    def get_readonly_fields(self, request, obj=None):
        # A checklist that records were filled against stays as it was: make a new version.
        if _used(obj):
            return ["ci_class", "facility_kind", "version", "name"]
        return []

    def get_inlines(self, request, obj):
        if _used(obj):
            return []
        return self.inlines

    @admin.action(description=_("Copy as a new version (to edit items already used)"))
    def new_version(self, request, queryset):
        for template in queryset:
            services.checklist_new_version(template=template, actor=request.user)
        messages.success(request, _("New versions made; the old ones stay for their records."))


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text", "template", "order"]
    list_filter = ["template__ci_class"]


class PlanDeviceInline(admin.TabularInline):
    model = PlanDevice
    extra = 0
    raw_id_fields = ["ci", "round"]


class ApprovalInline(admin.TabularInline):
    model = InspectionApproval
    extra = 0
    can_delete = False
    readonly_fields = ["step", "decision", "comment", "approver", "decided_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["number", "period", "title", "status"]
    list_filter = ["status", "period"]
    search_fields = ["number", "title"]
    readonly_fields = ["number", "status", "submitted_at", "approved_at", "lock_version"]
    filter_horizontal = ["locations", "departments", "ci_classes", "engineers"]
    raw_id_fields = ["previous"]
    inlines = [ApprovalInline]


@admin.register(InspectionRound)
class InspectionRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "day", "engineer"]
    list_filter = ["day"]
    inlines = [PlanDeviceInline]


@admin.register(PlanDevice)
class PlanDeviceAdmin(admin.ModelAdmin):
    list_display = ["plan", "ci", "round", "added_on_site", "priority_reason"]
    raw_id_fields = ["plan", "ci", "round"]


class ResultLineInline(admin.TabularInline):
    model = ResultLine
    extra = 0
    raw_id_fields = ["item", "work_order"]


@admin.register(InspectionRecord)
class InspectionRecordAdmin(admin.ModelAdmin):
    list_display = ["number", "ci", "engineer", "inspected_at", "locked"]
    list_filter = ["locked", "on_paper"]
    search_fields = ["number", "ci__asset_tag"]
    raw_id_fields = ["plan", "round", "ci", "checklist", "engineer"]
    readonly_fields = ["number", "lock_version"]
    inlines = [ResultLineInline]


@admin.register(ResultLine)
class ResultLineAdmin(admin.ModelAdmin):
    list_display = ["record", "facility_check", "text", "result", "measured_value", "work_order"]
    list_filter = ["result"]
    raw_id_fields = ["record", "facility_check", "item", "work_order"]


@admin.register(Discrepancy)
class DiscrepancyAdmin(admin.ModelAdmin):
    list_display = ["ci", "field", "cmdb_value", "observed_value", "status"]
    list_filter = ["status", "field"]
    raw_id_fields = ["record", "ci", "decided_by"]


@admin.register(InspectionReport)
class InspectionReportAdmin(admin.ModelAdmin):
    list_display = ["number", "plan", "status"]
    list_filter = ["status"]
    readonly_fields = ["number", "status", "figures", "submitted_at", "approved_at", "lock_version"]
    raw_id_fields = ["plan", "written_by"]
    inlines = [ApprovalInline]


@admin.register(InspectionApproval)
class InspectionApprovalAdmin(admin.ModelAdmin):
    list_display = ["plan", "report", "step", "decision", "approver", "decided_at"]
    list_filter = ["step", "decision"]

    def has_change_permission(self, request, obj=None):
        return False  # signatures are kept as given


@admin.register(InspectionReminder)
class InspectionReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "plan", "due", "sent_at"]
    list_filter = ["kind"]


@admin.register(UnknownScan)
class UnknownScanAdmin(admin.ModelAdmin):
    list_display = ["tag", "round", "engineer", "scanned_at"]
    search_fields = ["tag"]


@admin.register(FacilitySchedule)
class FacilityScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "name", "season_start_month", "season_end_month", "every_in_season",
        "every_off_season", "due_months",
    ]  # fmt: skip

    @admin.display(description=_("due in months"))
    def due_months(self, obj):
        return ", ".join(str(m) for m in obj.due_months)


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "building", "schedule", "last_checked_on", "next_due_on"]
    list_filter = ["kind", "is_active", "schedule"]
    search_fields = ["name", "place"]
    raw_id_fields = ["responsible"]


class FacilityCheckLineInline(admin.TabularInline):
    model = ResultLine
    fk_name = "facility_check"
    extra = 0
    fields = ["order", "text", "result", "measured_value", "limit", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FacilityCheck)
class FacilityCheckAdmin(admin.ModelAdmin):
    list_display = ["number", "facility", "checked_on", "passed", "engineer"]
    list_filter = ["passed", "facility__kind"]
    search_fields = ["number", "facility__name"]
    raw_id_fields = ["facility", "checklist", "engineer"]
    readonly_fields = ["number"]
    inlines = [FacilityCheckLineInline]


class BackupRecordInline(admin.TabularInline):
    model = BackupRecord
    extra = 0
    raw_id_fields = ["recorded_by"]


class RestoreTestInline(admin.TabularInline):
    model = RestoreTest
    extra = 0
    raw_id_fields = ["tested_by"]


@admin.register(BackupPlan)
class BackupPlanAdmin(admin.ModelAdmin):
    list_display = [
        "department", "system", "method", "every_days", "retention_days", "responsible",
        "last_success_on", "next_due_on", "is_active",
    ]  # fmt: skip
    list_filter = ["method", "is_active", "department"]
    search_fields = ["system", "department__name"]
    raw_id_fields = ["ci", "responsible"]
    inlines = [BackupRecordInline, RestoreTestInline]


@admin.register(BackupRecord)
class BackupRecordAdmin(admin.ModelAdmin):
    list_display = ["plan", "performed_on", "result", "size_gb", "location"]
    list_filter = ["result"]
    raw_id_fields = ["plan", "recorded_by"]


@admin.register(RestoreTest)
class RestoreTestAdmin(admin.ModelAdmin):
    list_display = ["plan", "tested_on", "result"]
    list_filter = ["result"]
    raw_id_fields = ["plan", "tested_by"]


@admin.register(DueReminder)
class DueReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "backup_plan", "facility", "due", "sent_at"]
    list_filter = ["kind"]
