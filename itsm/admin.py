from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, FormCode, NumberSequence, TransitionLog
from .tokens import token_revoke


@admin.register(FormCode)
class FormCodeAdmin(admin.ModelAdmin):
    list_display = ["key", "code", "name"]
    search_fields = ["key", "code", "name"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    """Read-only: editing a sequence by hand could hand out a number twice."""

    list_display = ["scope", "last_value"]
    search_fields = ["scope"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The audit trail of transitions is evidence: read-only for everyone."""

    list_display = [
        "at",
        "content_type",
        "object_id",
        "transition",
        "source_display",
        "target_display",
        "actor",
    ]
    # The view-only page too shows the statuses by name.
    fields = [
        "at",
        "content_type",
        "object_id",
        "transition",
        "source_display",
        "target_display",
        "actor",
        "note",
    ]
    readonly_fields = fields
    # Not by target: the raw status codes of every process would be the filter's choices.
    list_filter = ["content_type", "transition"]
    search_fields = ["object_id", "note", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "actor"]

    @admin.display(description=_("from"), ordering="source")
    def source_display(self, obj):
        return obj.source_label

    @admin.display(description=_("to"), ordering="target")
    def target_display(self, obj):
        return obj.target_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens by name and first characters only: the key itself is never stored. Users
    create their own under Account › API tokens; admins can revoke any."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = list_display
    fields = list_display
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(actor=request.user, token=token)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
