"""The problem as the API shows it, and the small bodies of each action."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import WorkOrder

from ..choices import FishboneCategory, ProblemStatus
from ..models import FishboneCause, Problem


def enum_field(choices):
    """A choice field documented as one enum component named after its choice set
    (drf-spectacular would otherwise name it after the field and clash with other apps).

    Public: the changes API (above problems) builds its enums with it too."""

    @extend_schema_field(
        {"type": "string", "enum": list(choices.values)}, component_name=f"{choices.__name__}Enum"
    )
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    Field.__name__ = f"{choices.__name__}Field"
    return Field


ProblemStatusField = enum_field(ProblemStatus)
FishboneCategoryField = enum_field(FishboneCategory)


class FishboneCauseSerializer(serializers.ModelSerializer):
    category = FishboneCategoryField()

    class Meta:
        model = FishboneCause
        fields = ["id", "category", "text", "created_at"]
        read_only_fields = ["id", "created_at"]


class ProblemSerializer(serializers.ModelSerializer):
    status = ProblemStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    work_orders = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    causes = FishboneCauseSerializer(many=True, read_only=True)
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "number",
            "title",
            "description",
            "status",
            "status_display",
            "category",
            "device",
            "owner",
            "root_cause",
            "workaround",
            "resolution",
            "knowledge_record_id",
            "work_orders",
            "causes",
            "lock_version",
            "created_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields


class ProblemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(
        queryset=Problem._meta.get_field("category").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    device = serializers.SlugRelatedField(
        slug_field="asset_tag",
        queryset=Problem._meta.get_field("device").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    work_orders = serializers.SlugRelatedField(
        slug_field="number", queryset=WorkOrder.objects.all(), many=True, required=False
    )


class ProblemVersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        min_value=1,
        help_text="The lock_version you last read; a stale one is refused with 409.",
        error_messages={
            "required": _(
                "Send the lock_version of the problem as you last read it, so that a change "
                "someone else made in the meantime is not overwritten."
            )
        },
    )


class ProblemNoteSerializer(ProblemVersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemRootCauseSerializer(ProblemNoteSerializer):
    root_cause = serializers.CharField()


class ProblemWorkaroundSerializer(ProblemNoteSerializer):
    workaround = serializers.CharField()
    public = serializers.BooleanField(
        default=True, help_text="End users may read the knowledge record."
    )


class ProblemResolveSerializer(ProblemNoteSerializer):
    resolution = serializers.CharField()


class ProblemLinkSerializer(serializers.Serializer):
    work_orders = serializers.SlugRelatedField(
        slug_field="number", queryset=WorkOrder.objects.all(), many=True
    )


class ProblemLinkResultSerializer(serializers.Serializer):
    linked = serializers.IntegerField()
