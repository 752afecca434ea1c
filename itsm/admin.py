from django.contrib import admin

from .models import FormCode, NumberSequence, TransitionLog


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

    list_display = ["at", "content_type", "object_id", "transition", "source", "target", "actor"]
    list_filter = ["content_type", "transition", "target"]
    search_fields = ["object_id", "note", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
