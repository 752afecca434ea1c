from auditlog.registry import auditlog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Approval,
    ApproverSet,
    ApproverSlot,
    ChangeAffectedItem,
    ChangeLog,
    ChangeRequest,
    ChangeTemplate,
    FreezePeriod,
    Release,
    ReleaseApproval,
    ReleaseTestRecord,
)


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too."""
    skip = {"created_at", "updated_at", "lock_version", "users_notified_at", "build"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (
    ChangeRequest,
    Approval,
    ApproverSet,
    ApproverSlot,
    ChangeTemplate,
    FreezePeriod,
    ReleaseApproval,
    ReleaseTestRecord,
):
    auditlog.register(_model, include_fields=_own_fields(_model))
# A release's state and its stamps are on the timeline as transitions already; the audit
# log keeps what people edit.
auditlog.register(
    Release,
    include_fields=[
        f
        for f in _own_fields(Release)
        if f not in ("status", "approval_round", "number") and not f.endswith("_at")
    ],
)


class ApproverSlotInline(admin.TabularInline):
    model = ApproverSlot
    fields = ["order", "name", "role", "approval_body"]
    extra = 0


@admin.register(ApproverSet)
class ApproverSetAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "for_releases"]
    inlines = [ApproverSlotInline]


@admin.register(ChangeTemplate)
class ChangeTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "risk", "approved_by", "is_active"]
    list_filter = ["is_active", "risk"]
    search_fields = ["name", "summary"]


@admin.register(FreezePeriod)
class FreezePeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "end"]
    date_hierarchy = "start"


class AffectedItemInline(admin.TabularInline):
    model = ChangeAffectedItem
    raw_id_fields = ["item"]
    extra = 0
    verbose_name_plural = _("affected items")


class ApprovalInline(admin.TabularInline):
    model = Approval
    fields = ["round", "slot_name", "decision", "approver", "comment", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ChangeRequest)
class ChangeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "summary",
        "type",
        "risk",
        "status",
        "raised_via",
        "planned_start",
        "planned_end",
    ]
    list_filter = ["status", "type", "risk", "raised_via"]
    search_fields = ["number", "summary"]
    date_hierarchy = "planned_start"
    raw_id_fields = ["requester", "owner", "template"]
    filter_horizontal = ["problems"]
    readonly_fields = [
        "number",
        "status",
        "lock_version",
        "approval_round",
        "created_at",
        "updated_at",
    ]
    inlines = [AffectedItemInline, ApprovalInline]


class RecordOnlyAdmin(admin.ModelAdmin):
    """Signatures and test results are written by the services, which check who may sign
    or test; in admin they are read, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Approval)
class ApprovalAdmin(RecordOnlyAdmin):
    list_display = ["change", "round", "slot_name", "decision", "approver", "decided_at"]
    list_filter = ["decision"]
    raw_id_fields = ["change", "approver"]
    list_select_related = ["change", "approver"]


@admin.register(ChangeAffectedItem)
class ChangeAffectedItemAdmin(admin.ModelAdmin):
    list_display = ["change", "item"]
    raw_id_fields = ["change", "item"]
    list_select_related = ["change", "item"]


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ["at", "change_number", "item_label", "action", "actor"]
    list_filter = ["action"]
    search_fields = ["change_number", "item_label", "description"]
    raw_id_fields = ["change", "release", "item", "actor"]
    list_select_related = ["actor"]
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None):
        return False  # the change log is a record, not a worksheet


class ReleaseTestRecordInline(admin.TabularInline):
    model = ReleaseTestRecord
    fields = ["build", "case", "environment", "result", "tester", "tested_at", "notes"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # recorded on the release page, which checks the build and the tester


class ReleaseApprovalInline(admin.TabularInline):
    model = ReleaseApproval
    fields = ["round", "slot_name", "decision", "approver", "comment", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "application",
        "release_version",
        "title",
        "type",
        "status",
        "planned_start",
        "users_notified_at",
    ]
    list_filter = ["status", "type", "risk"]
    search_fields = ["number", "application", "release_version", "title"]
    date_hierarchy = "planned_start"
    raw_id_fields = ["requester", "manager", "changes", "items"]
    readonly_fields = [
        "number",
        "status",
        "lock_version",
        "build",
        "approval_round",
        "built_at",
        "tested_at",
        "authorised_at",
        "deployed_at",
        "failed_at",
        "rolled_back_at",
        "closed_at",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["manager"]
    inlines = [ReleaseTestRecordInline, ReleaseApprovalInline]


@admin.register(ReleaseTestRecord)
class ReleaseTestRecordAdmin(RecordOnlyAdmin):
    list_display = ["release", "build", "case", "result", "tester", "tested_at"]
    list_filter = ["result"]
    search_fields = ["case", "release__number"]
    raw_id_fields = ["release", "tester"]
    list_select_related = ["release", "tester"]


@admin.register(ReleaseApproval)
class ReleaseApprovalAdmin(RecordOnlyAdmin):
    list_display = ["release", "round", "slot_name", "decision", "approver", "decided_at"]
    list_filter = ["decision"]
    raw_id_fields = ["release", "approver"]
    list_select_related = ["release", "approver"]
