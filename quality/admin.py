from auditlog.registry import auditlog
from django.contrib import admin

from .models import (
    Answer,
    ImprovementAction,
    Invitation,
    Question,
    ReviewItem,
    Survey,
    SurveyResponse,
    SurveyRound,
    WeeklyReview,
)


def _own_fields(model) -> list[str]:
    """The model's own columns: auditlog would otherwise diff reverse relations too."""
    skip = {"created_at", "updated_at", "lock_version", "reminded_for"}
    return [f.name for f in model._meta.concrete_fields if f.name not in skip]


for _model in (Survey, Question, SurveyRound, WeeklyReview, ImprovementAction):
    auditlog.register(_model, include_fields=_own_fields(_model))


class QuestionInline(admin.TabularInline):
    """The questions are data: the quality manager writes and orders them here."""

    model = Question
    extra = 1


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["title"]
    inlines = [QuestionInline]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "survey", "opens_on", "closes_on", "status"]
    list_filter = ["status", "survey"]
    search_fields = ["title"]
    list_select_related = ["survey"]
    raw_id_fields = ["created_by"]
    filter_horizontal = ["departments"]
    readonly_fields = ["status", "published_at", "opened_at", "closed_at", "lock_version"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["round", "user", "department", "invited_at", "reminded_at", "answered_at"]
    list_filter = ["round"]
    list_select_related = ["round", "user", "department"]
    raw_id_fields = ["user"]
    readonly_fields = ["invited_at", "notified_at", "reminded_at", "answered_at"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question", "rating", "choice", "text"]
    can_delete = False


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "round", "department", "submitted_on"]
    list_filter = ["round"]
    list_select_related = ["round", "department"]
    readonly_fields = ["round", "department", "submitted_on"]
    inlines = [AnswerInline]


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    raw_id_fields = ["work_order", "complaint"]


@admin.register(WeeklyReview)
class WeeklyReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "held_on", "threshold", "created_by"]
    raw_id_fields = ["created_by"]
    filter_horizontal = ["attendees"]
    readonly_fields = ["lock_version"]
    inlines = [ReviewItemInline]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "review", "owner", "due_on", "status", "done_at"]
    list_filter = ["status"]
    search_fields = ["description", "done_note"]
    list_select_related = ["review", "owner"]
    raw_id_fields = ["review", "item", "owner", "done_by", "created_by"]
    readonly_fields = ["status", "done_at", "done_by", "lock_version"]
