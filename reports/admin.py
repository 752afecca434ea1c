"""Admin: settings are edited here (due day, holidays, reminders, recipients); reports,
deliveries and generation jobs are records, read-only (they move through the services)."""

from auditlog.registry import auditlog
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .models import GenerationJob, Report, ReportDelivery, ReportSetting
from .services import report_setting_changed

auditlog.register(Report, exclude_fields=["data", "updated_at", "lock_version", "reminded_for"])
auditlog.register(ReportSetting)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = ReportDelivery
    extra = 0
    can_delete = False
    fields = ["recipient", "address", "by_hand", "sent_at", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(_ReadOnly):
    list_display = [
        "number", "type", "period_start", "version", "status", "preliminary", "due_on",
        "generated_at",
    ]  # fmt: skip
    list_filter = ["type", "status", "preliminary", "period_kind"]
    search_fields = ["number"]
    date_hierarchy = "period_start"
    list_select_related = ["generated_by"]
    inlines = [DeliveryInline]
    exclude = ["data"]


class ReportSettingForm(forms.ModelForm):
    class Meta:
        model = ReportSetting
        fields = [
            "type",
            "enabled",
            "due_day",
            "holiday_rule",
            "reminder_days",
            "recipients",
            "addresses",
        ]

    def clean_due_day(self):
        day = self.cleaned_data["due_day"]
        if not 1 <= day <= 31:
            raise ValidationError(_("A day of the month is between 1 and 31."))
        return day

    def clean_addresses(self):
        text = self.cleaned_data["addresses"]
        bad = []
        for line in text.splitlines():
            if line.strip():
                try:
                    validate_email(line.strip())
                except ValidationError:
                    bad.append(line.strip())
        if bad:
            raise ValidationError(
                _("Not valid e-mail addresses: %(list)s") % {"list": ", ".join(bad)}
            )
        return text


@admin.register(ReportSetting)
class ReportSettingAdmin(admin.ModelAdmin):
    form = ReportSettingForm
    list_display = ["type", "enabled", "due_day", "holiday_rule", "reminder_days"]
    list_editable = ["enabled", "due_day", "holiday_rule", "reminder_days"]
    filter_horizontal = ["recipients"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        moved = report_setting_changed(setting=obj)
        if moved:
            self.message_user(
                request,
                _("The due date of %(count)s undelivered report(s) moved.") % {"count": moved},
            )


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(_ReadOnly):
    list_display = ["report", "recipient", "address", "by_hand", "sent_at", "error"]
    list_filter = ["by_hand"]
    search_fields = ["report__number", "address"]
    list_select_related = ["report", "recipient"]


@admin.register(GenerationJob)
class GenerationJobAdmin(_ReadOnly):
    list_display = ["type", "period_start", "status", "progress", "requested_by", "created_at"]
    list_filter = ["status", "type"]
    list_select_related = ["requested_by"]
