"""The change as the API shows it, and the small bodies of each action."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cmdb.models import ConfigurationItem
from problems.api.serializers import enum_field
from problems.models import Problem

from ..choices import ChangeStatus, ChangeType, Decision, Risk
from ..models import Approval, ChangeRequest, ChangeTemplate

ChangeStatusField = enum_field(ChangeStatus)
ChangeTypeField = enum_field(ChangeType)
RiskField = enum_field(Risk)
DecisionField = enum_field(Decision)


class ApprovalSerializer(serializers.ModelSerializer):
    decision = DecisionField(read_only=True)

    class Meta:
        model = Approval
        fields = ["id", "round", "slot_name", "decision", "approver", "comment", "decided_at"]
        read_only_fields = fields


class ChangeSerializer(serializers.ModelSerializer):
    status = ChangeStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    type = ChangeTypeField(read_only=True)
    risk = RiskField(read_only=True)
    affected_items = serializers.SlugRelatedField(slug_field="asset_tag", many=True, read_only=True)
    problems = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "number",
            "summary",
            "reason",
            "type",
            "risk",
            "status",
            "status_display",
            "affected_items",
            "problems",
            "template",
            "implementation_plan",
            "test_plan",
            "rollback_plan",
            "planned_start",
            "planned_end",
            "requester",
            "owner",
            "assessment",
            "outcome",
            "review_notes",
            "approvals",
            "lock_version",
            "created_at",
        ]
        read_only_fields = fields

    def get_approvals(self, change) -> list[dict]:
        rows = [a for a in change.approvals.all() if a.round == change.approval_round]
        return ApprovalSerializer(rows, many=True).data


class ChangeCreateSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    type = ChangeTypeField(required=False, default=ChangeType.NORMAL)
    risk = RiskField(required=False, default=Risk.MEDIUM)
    template = serializers.PrimaryKeyRelatedField(
        queryset=ChangeTemplate.objects.filter(is_active=True), required=False, allow_null=True
    )
    affected_items = serializers.SlugRelatedField(
        slug_field="asset_tag",
        queryset=ConfigurationItem.objects.all(),
        many=True,
        required=False,
    )
    problems = serializers.SlugRelatedField(
        slug_field="number", queryset=Problem.objects.all(), many=True, required=False
    )
    implementation_plan = serializers.CharField(required=False, allow_blank=True, default="")
    test_plan = serializers.CharField(required=False, allow_blank=True, default="")
    rollback_plan = serializers.CharField(required=False, allow_blank=True, default="")
    planned_start = serializers.DateTimeField(required=False, allow_null=True)
    planned_end = serializers.DateTimeField(required=False, allow_null=True)


LOCK_VERSION_REQUIRED = _(
    "Send the lock_version of the record as you last read it, so that a change someone "
    "else made in the meantime is not overwritten."
)


class ChangeVersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        min_value=1,
        help_text="The lock_version you last read; a stale one is refused with 409.",
        error_messages={"required": LOCK_VERSION_REQUIRED},
    )

    def validate(self, attrs):
        # Also on a partial update (PATCH), where DRF would not ask for required fields.
        if "lock_version" not in attrs:
            raise serializers.ValidationError({"lock_version": [LOCK_VERSION_REQUIRED]})
        return super().validate(attrs)


class ChangeNoteSerializer(ChangeVersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeAssessSerializer(ChangeNoteSerializer):
    assessment = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeDecisionSerializer(ChangeVersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeOutcomeSerializer(ChangeNoteSerializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class ChangeReviewSerializer(ChangeNoteSerializer):
    review_notes = serializers.CharField()
