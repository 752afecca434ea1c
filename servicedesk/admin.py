from auditlog.registry import auditlog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import (
    Building,
    CalendarDay,
    CalendarYear,
    Category,
    Department,
    Location,
    Notification,
    OnCallShift,
    Person,
    QuarterTargets,
    ServiceCommitment,
    ServiceLevel,
    Team,
    WorkingPeriod,
)
from .notifications import mail_retry

for model in (
    Building,
    CalendarDay,
    Category,
    Department,
    Location,
    OnCallShift,
    Person,
    ServiceLevel,
    Team,
    WorkingPeriod,
):
    auditlog.register(model)

User = get_user_model()
auditlog.register(User, exclude_fields=["password", "last_login"])


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank", "response_minutes", "resolution_minutes", "is_default"]
    list_editable = ["response_minutes", "resolution_minutes"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "service_level", "is_active"]
    list_filter = ["is_active", "service_level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "service_level"]
    autocomplete_fields = ["parent"]


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "address"]
    search_fields = ["name", "address"]
    inlines = [LocationInline]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "building", "floor", "room"]
    list_filter = ["building", "floor"]
    search_fields = ["building__name", "floor", "room", "description"]
    list_select_related = ["building"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "department",
        "phone",
        "mobile",
        "service_level",
        "approval_body",
    ]
    list_filter = ["department", "service_level", "approval_body", "user__groups"]
    search_fields = ["name", "phone", "mobile", "employee_number", "user__username", "user__email"]
    list_select_related = ["user", "department", "service_level"]
    autocomplete_fields = ["user", "department", "location"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *_admin_only_fields(request)]


def _admin_only_fields(request) -> list[str]:
    """Who signs for 运维部 / 信息中心 is an administrator's decision: supervisors may edit
    people (contact data, department) but not make anyone an approver."""
    from .choices import Role
    from .roles import user_has_role

    if request.user.is_superuser or user_has_role(request.user, Role.ADMIN):
        return []
    return ["approval_body", "email_verified_at"]


class PersonInline(admin.StackedInline):
    model = Person
    can_delete = False
    verbose_name_plural = _("profile")
    autocomplete_fields = ["department", "location"]
    exclude = ["pending_email"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *_admin_only_fields(request)]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [PersonInline]
    list_display = ["username", "person_name", "email", "is_staff", "is_active"]
    list_select_related = ["person"]

    @admin.display(description=_("name"), ordering="person__name")
    def person_name(self, obj):
        person = getattr(obj, "person", None)
        return person.name if person else ""


@admin.register(WorkingPeriod)
class WorkingPeriodAdmin(admin.ModelAdmin):
    list_display = ["weekday", "start", "end"]
    list_filter = ["weekday"]
    ordering = ["weekday", "start"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        # An admin's word beats the package: the daily sync will leave this row alone.
        obj.source = "manual"
        super().save_model(request, obj, form, change)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The mail outbox: what waits, what was sent, what failed and why; failed mail can be
    queued again once the mail server is fixed."""

    list_display = [
        "created_at",
        "recipient",
        "subject",
        "mail_state",
        "mail_attempts",
        "mail_next_attempt_at",
        "mail_error_short",
    ]
    list_filter = ["mail_state", "created_at"]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_mail"]
    readonly_fields = [
        "recipient",
        "subject",
        "body",
        "url",
        "created_at",
        "read_at",
        "mail_state",
        "mail_claimed_at",
        "mail_attempts",
        "mail_next_attempt_at",
        "mail_error",
    ]

    @admin.display(description=_("error"))
    def mail_error_short(self, obj):
        return obj.mail_error[:80]

    @admin.action(description=_("Retry sending the selected mail now"))
    def retry_mail(self, request, queryset):
        count = mail_retry(notifications=queryset)
        self.message_user(request, _("%(count)d mail(s) queued again.") % {"count": count})

    def has_add_permission(self, request):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Years confirmed against the State Council's notice (entered on the calendar page,
    Business calendar › Enter the notice). Deleting one hands the year back to the
    holidays package's daily update."""

    list_display = ["year", "notice", "confirmed_at", "confirmed_by"]
    readonly_fields = ["confirmed_at", "confirmed_by"]
    list_select_related = ["confirmed_by"]

    def has_add_permission(self, request):
        return False


@admin.register(ServiceCommitment)
class ServiceCommitmentAdmin(admin.ModelAdmin):
    """The contract's commitments as data: a new row from a day on replaces the old one
    for later periods; reports already made keep what they were measured against."""

    list_display = [
        "key",
        "service_level",
        "op",
        "value",
        "upper",
        "valid_from",
        "quarter",
        "source",
    ]
    list_filter = ["key", "service_level", "quarter"]
    list_select_related = ["service_level", "quarter"]
    date_hierarchy = "valid_from"


auditlog.register(ServiceCommitment)


class QuarterCommitmentInline(admin.TabularInline):
    """A quarter's targets; each row is valid from the quarter's first day (set on save)."""

    model = ServiceCommitment
    fields = ["key", "service_level", "op", "value", "upper", "source"]
    extra = 0


@admin.register(QuarterTargets)
class QuarterTargetsAdmin(admin.ModelAdmin):
    """Quarterly service targets: the dashboard and the reports judge a period by the
    quarter's rows, a figure the quarter leaves out by the latest earlier row."""

    list_display = ["__str__", "year", "quarter", "note"]
    list_filter = ["year"]
    inlines = [QuarterCommitmentInline]


auditlog.register(QuarterTargets)


class CategoryChildInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ["name", "level", "sort_order", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The fault taxonomy (问题类型 › 系统类型 › 故障类型) shared by work orders, problems and
    knowledge. Retire a category (active off) rather than delete it: records keep it."""

    list_display = ["path_display", "level", "sort_order", "is_active", "system_fault"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "parent__name", "parent__parent__name"]
    list_select_related = ["parent__parent"]
    autocomplete_fields = ["parent"]
    ordering = ["parent__parent__sort_order", "parent__sort_order", "sort_order", "name"]
    inlines = [CategoryChildInline]

    @admin.display(description=_("category"), ordering="name")
    def path_display(self, obj):
        return obj.path()


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "leader"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["leader"]


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    """The on-call rota; the month page (servicedesk:oncall) shows it day by day."""

    list_display = ["starts_at", "ends_at", "role", "user", "note"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__person__name", "note"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
