from django.contrib import admin

from .models import (
    AntivirusPolicy,
    ConsoleImport,
    CoverageSnapshot,
    DailyCheck,
    DepartmentHead,
    Endpoint,
    EndpointSnapshot,
    MappingProfile,
    NetworkSegment,
    Outbreak,
    ReinstallRequest,
    ScanHost,
    SegmentScan,
    VirusEvent,
    WeeklyEvaluation,
)


@admin.register(AntivirusPolicy)
class AntivirusPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "signature_days_behind",
        "not_reporting_days",
        "outbreak_hosts",
        "outbreak_hours",
        "top_departments",
    ]

    def has_add_permission(self, request):
        return not AntivirusPolicy.objects.exists()


@admin.register(DepartmentHead)
class DepartmentHeadAdmin(admin.ModelAdmin):
    list_display = ["department", "head"]
    autocomplete_fields = ["head"]


@admin.register(MappingProfile)
class MappingProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "product", "is_active"]
    list_filter = ["kind", "is_active"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by imports and checks; admins read and correct, never add by hand."""

    def has_add_permission(self, request):
        return False


@admin.register(Endpoint)
class EndpointAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "ci", "state", "product", "signature_date", "last_seen"]
    list_filter = ["state", "product", "installed"]
    search_fields = ["ci__asset_tag", "reported_host"]
    raw_id_fields = ["ci", "last_import", "install_work_order"]
    list_select_related = ["ci"]


@admin.register(EndpointSnapshot)
class EndpointSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["endpoint", "taken_on", "product", "signature_date"]
    raw_id_fields = ["endpoint", "console_import"]
    list_select_related = ["endpoint__ci"]


@admin.register(ConsoleImport)
class ConsoleImportAdmin(ReadOnlyAdmin):
    list_display = [
        "file_name",
        "kind",
        "status",
        "rows_total",
        "added",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = ["sha256", "errors", "unknown_hosts"]


@admin.register(VirusEvent)
class VirusEventAdmin(ReadOnlyAdmin):
    list_display = ["detected_at", "host_name", "threat", "result"]
    list_filter = ["result"]
    search_fields = ["threat", "host_name"]
    raw_id_fields = ["ci", "console_import"]
    date_hierarchy = "detected_at"


@admin.register(Outbreak)
class OutbreakAdmin(ReadOnlyAdmin):
    list_display = ["threat", "host_count", "first_seen", "alerted_at", "work_order"]
    raw_id_fields = ["work_order"]


@admin.register(NetworkSegment)
class NetworkSegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "cidr", "department", "location"]
    search_fields = ["name", "cidr"]


class ScanHostInline(admin.TabularInline):
    model = ScanHost
    extra = 0


@admin.register(SegmentScan)
class SegmentScanAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "source", "scanned_at", "host_count"]
    inlines = [ScanHostInline]


@admin.register(ScanHost)
class ScanHostAdmin(ReadOnlyAdmin):
    list_display = ["ip", "host_name", "scan"]
    search_fields = ["ip", "host_name"]


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["week_start", "segment", "live", "protected"]


@admin.register(WeeklyEvaluation)
class WeeklyEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["week_start", "sent_at", "sent_by"]
    readonly_fields = ["figures", "sent_at", "sent_by"]


@admin.register(DailyCheck)
class DailyCheckAdmin(ReadOnlyAdmin):
    list_display = ["day", "stale", "not_reporting", "unprotected", "notified"]


@admin.register(ReinstallRequest)
class ReinstallRequestAdmin(ReadOnlyAdmin):
    list_display = ["work_order", "ci", "status", "requested_at"]
    list_filter = ["status"]
    raw_id_fields = [
        "work_order",
        "ci",
        "user",
        "requested_by",
        "user_confirmed_by",
        "centre_confirmed_by",
    ]
    readonly_fields = ["status"]
