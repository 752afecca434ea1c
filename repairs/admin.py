"""Admin for every model of the process; edits are audited (django-auditlog).

Statuses move only through the services (the pipeline logs every step), so admin shows
them read-only; admins correct content, vendors and form codes.
"""

from auditlog.registry import auditlog
from django.contrib import admin

from .models import (
    BlacklistApplication,
    BlacklistDecision,
    BlacklistEntry,
    Nonconformance,
    PartPurchase,
    PartQuote,
    ProgressReport,
    RepairOrder,
    Vendor,
    VendorOrder,
)

# What the pipeline stamps (status, times, due dates, counters) is on the timeline as the
# transition already; the audit log keeps what people enter and edit.
_STAMPED = {
    "created_at", "updated_at", "lock_version", "status", "progress_reminded_on",
    "overdue_notified_on", "due_back_on", "desk_due_on", "progress_due_on", "send_count",
    "spare_loan", "reviewed_by", "review_note", "problem_id", "chosen", "chosen_by_name",
    "approved_by", "cost", "returned_by", "return_note", "signed_by_name", "confirmed_by_name",
    "handling", "advice", "result", "prepared_by", "number",
}  # fmt: skip


def _own_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in _STAMPED and not f.name.endswith("_at")
    ]


for _model in (
    Vendor, RepairOrder, ProgressReport, VendorOrder, Nonconformance, BlacklistApplication,
    BlacklistDecision, BlacklistEntry, PartPurchase, PartQuote,
):  # fmt: skip
    auditlog.register(_model, include_fields=_own_fields(_model))


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["code", "supplier", "email", "is_manufacturer", "is_active"]
    list_filter = ["is_manufacturer", "is_active"]
    search_fields = ["code", "supplier__name", "email"]
    autocomplete_fields = ["supplier"]
    filter_horizontal = ["accounts"]


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    extra = 0
    raw_id_fields = ["reported_by"]


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "device",
        "vendor",
        "kind",
        "status",
        "sent_at",
        "due_back_on",
        "desk_due_on",
        "repair_cost",
    ]
    list_filter = ["status", "kind", "data_handling"]
    search_fields = ["number", "work_order__number", "device__asset_tag"]
    readonly_fields = ["number", "status", "sent_at", "returned_at", "spare_loan"]
    raw_id_fields = ["work_order", "device", "carrier", "created_by", "returned_by"]
    inlines = [ProgressReportInline]


@admin.register(VendorOrder)
class VendorOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "vendor", "product", "status", "engineer", "sent_at", "verified_at"]
    list_filter = ["status", "problem_type", "priority"]
    search_fields = ["number", "work_order__number", "product"]
    readonly_fields = ["number", "status", "send_count"]
    raw_id_fields = ["work_order", "repair", "engineer", "reviewed_by"]


@admin.register(Nonconformance)
class NonconformanceAdmin(admin.ModelAdmin):
    list_display = ["number", "vendor", "occurred_at", "work_order_number", "reason"]
    list_filter = ["vendor"]
    search_fields = ["number", "work_order_number", "reason"]
    raw_id_fields = ["vendor_order", "recorded_by"]
    readonly_fields = ["number"]


class BlacklistDecisionInline(admin.TabularInline):
    model = BlacklistDecision
    extra = 0
    raw_id_fields = ["decided_by"]


@admin.register(BlacklistApplication)
class BlacklistApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "vendor", "kind", "month", "nonconformance_count", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "vendor__supplier__name"]
    readonly_fields = ["number", "status"]
    raw_id_fields = ["prepared_by"]
    inlines = [BlacklistDecisionInline]


@admin.register(BlacklistDecision)
class BlacklistDecisionAdmin(admin.ModelAdmin):
    list_display = ["application", "approval_body", "approved", "decided_by", "decided_at"]
    raw_id_fields = ["application", "decided_by"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(admin.ModelAdmin):
    list_display = ["number", "vendor", "listed_on", "removed_on"]
    list_filter = ["removed_on"]
    search_fields = ["number", "vendor__supplier__name", "reason"]
    readonly_fields = ["number", "application", "removal_application"]


class PartQuoteInline(admin.TabularInline):
    model = PartQuote
    extra = 0


@admin.register(PartPurchase)
class PartPurchaseAdmin(admin.ModelAdmin):
    list_display = ["number", "repair", "part", "status", "cost"]
    list_filter = ["status"]
    readonly_fields = ["number", "status", "chosen", "cost"]
    raw_id_fields = ["repair", "approved_by", "created_by"]
    inlines = [PartQuoteInline]


@admin.register(PartQuote)
class PartQuoteAdmin(admin.ModelAdmin):
    list_display = ["purchase", "supplier", "part", "price", "lead_days"]
    raw_id_fields = ["purchase"]
