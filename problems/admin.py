from auditlog.registry import auditlog
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import FishboneCause, Problem, ProblemWorkOrder


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too."""
    skip = {"created_at", "updated_at", "lock_version"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


auditlog.register(Problem, include_fields=_own_fields(Problem))
auditlog.register(FishboneCause, include_fields=_own_fields(FishboneCause))


class FishboneCauseInline(admin.TabularInline):
    model = FishboneCause
    fields = ["category", "text", "created_by"]
    raw_id_fields = ["created_by"]
    extra = 0


class ProblemWorkOrderInline(admin.TabularInline):
    model = ProblemWorkOrder
    raw_id_fields = ["work_order", "linked_by"]
    extra = 0
    verbose_name_plural = _("work orders")


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "status", "category", "device", "owner", "created_at"]
    list_filter = ["status"]
    search_fields = ["number", "title", "description"]
    list_select_related = ["category", "device", "owner"]
    raw_id_fields = ["device", "owner", "created_by", "category"]
    readonly_fields = ["number", "status", "lock_version", "created_at", "updated_at"]
    inlines = [FishboneCauseInline, ProblemWorkOrderInline]


@admin.register(ProblemWorkOrder)
class ProblemWorkOrderAdmin(admin.ModelAdmin):
    list_display = ["problem", "work_order", "linked_by", "linked_at"]
    raw_id_fields = ["problem", "work_order", "linked_by"]
    list_select_related = ["problem", "work_order", "linked_by"]


@admin.register(FishboneCause)
class FishboneCauseAdmin(admin.ModelAdmin):
    list_display = ["problem", "category", "text", "created_at"]
    list_filter = ["category"]
    search_fields = ["text", "problem__number"]
    raw_id_fields = ["problem", "created_by"]
    list_select_related = ["problem"]
