"""Knowledge records as the API shows them, and the small bodies of each action."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicedesk.choices import CategoryLevel
from servicedesk.models import Category

from ..choices import Audience, Status
from ..models import KnowledgeRecord


def _enum_field(choices, name):
    """A choice field documented under its own enum name (`status` is taken by work orders)."""

    @extend_schema_field({"type": "string", "enum": list(choices.values)}, component_name=name)
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    Field.__name__ = f"{name}Field"
    return Field


def LockVersionField():  # noqa: N802 (reads like the field class it returns)
    """The record's lock_version as the client last read it: required on every write, a
    stale one is answered 409 (someone else changed the record)."""
    return serializers.IntegerField(
        min_value=1,
        help_text=_(
            "The lock_version you last read; if the record changed since, the answer is 409."
        ),
        error_messages={
            "required": _(
                "Send the lock_version of the record as you last read it, so that a change "
                "someone else made in the meantime is not overwritten."
            )
        },
    )


KnowledgeStatusField = _enum_field(Status, "KnowledgeStatusEnum")
KnowledgeAudienceField = _enum_field(Audience, "KnowledgeAudienceEnum")


def _fault_types():
    return Category.objects.filter(level=CategoryLevel.FAULT_TYPE)


class KnowledgeRecordSerializer(serializers.ModelSerializer):
    status = KnowledgeStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    audience = KnowledgeAudienceField(read_only=True)
    problem_type = serializers.SerializerMethodField()
    system_type = serializers.SerializerMethodField()
    category_path = serializers.CharField(read_only=True)
    related_numbers = serializers.ListField(
        source="related_number_list", child=serializers.CharField(), read_only=True
    )
    previous_version = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    merged_into = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    score = serializers.SerializerMethodField(
        help_text="Search rank (sum of the matched terms' weights); null outside a search."
    )

    class Meta:
        model = KnowledgeRecord
        fields = [
            "id",
            "number",
            "title",
            "problem_type",
            "system_type",
            "fault_type",
            "category_path",
            "symptom",
            "cause",
            "solution",
            "related_numbers",
            "audience",
            "status",
            "status_display",
            "version",
            "previous_version",
            "lock_version",
            "source_work_order_number",
            "merged_into",
            "helpful_count",
            "not_helpful_count",
            "view_count",
            "reviewed_at",
            "published_at",
            "retired_at",
            "created_at",
            "updated_at",
            "score",
        ]
        read_only_fields = fields

    def get_problem_type(self, record) -> str:
        return str(record.problem_type or "")

    def get_system_type(self, record) -> str:
        return str(record.system_type or "")

    def get_score(self, record) -> int | None:
        return getattr(record, "score", None)


class KnowledgeRecordCreateSerializer(serializers.Serializer):
    """A new draft. `fault_type` is a third-level category id."""

    title = serializers.CharField(max_length=200)
    fault_type = serializers.PrimaryKeyRelatedField(
        queryset=_fault_types(), required=False, allow_null=True
    )
    symptom = serializers.CharField(required=False, allow_blank=True, default="")
    cause = serializers.CharField(required=False, allow_blank=True, default="")
    solution = serializers.CharField()
    related_numbers = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Form numbers, one per line or comma separated."),
    )
    audience = KnowledgeAudienceField(default=Audience.PUBLIC)
    source_work_order_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=64
    )


class KnowledgeRecordUpdateSerializer(serializers.Serializer):
    """Changes to a draft or reviewed record; a published one answers 400 (new version first)."""

    title = serializers.CharField(max_length=200, required=False)
    fault_type = serializers.PrimaryKeyRelatedField(
        queryset=_fault_types(), required=False, allow_null=True
    )
    symptom = serializers.CharField(required=False, allow_blank=True)
    cause = serializers.CharField(required=False, allow_blank=True)
    solution = serializers.CharField(required=False)
    related_numbers = serializers.CharField(required=False, allow_blank=True)
    audience = KnowledgeAudienceField(required=False)
    lock_version = LockVersionField()


class KnowledgeLockSerializer(serializers.Serializer):
    lock_version = LockVersionField()


class KnowledgeTransitionSerializer(KnowledgeLockSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class KnowledgeFeedbackSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()
    from_report = serializers.BooleanField(
        default=False,
        help_text=_("Answered from the fault form's suggestions (counts as a deflection)."),
    )


class KnowledgeFeedbackResultSerializer(serializers.Serializer):
    helpful_count = serializers.IntegerField()
    not_helpful_count = serializers.IntegerField()


class KnowledgeMergeSerializer(KnowledgeLockSerializer):
    duplicate = serializers.CharField(
        max_length=64, help_text=_("Number of the record merged into this one and retired.")
    )
