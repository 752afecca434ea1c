from rest_framework import serializers

from ..choices import ItemResult
from ..models import (
    InspectionApproval,
    InspectionPlan,
    InspectionRecord,
    InspectionReport,
    ResultLine,
)


class ApprovalSerializer(serializers.ModelSerializer):
    approver = serializers.StringRelatedField()

    class Meta:
        model = InspectionApproval
        fields = ["step", "decision", "comment", "approver", "decided_at"]


class PlanSerializer(serializers.ModelSerializer):
    # Plain strings in the schema: another "status" enum would collide with other apps'.
    status = serializers.CharField(read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    engineers = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    device_count = serializers.IntegerField(read_only=True)
    record_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id", "number", "period", "title", "status", "content", "resources", "engineers",
            "device_count", "record_count", "submitted_at", "approved_at", "rejection_reason",
            "lock_version", "approvals",
        ]  # fmt: skip
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer):
    period = serializers.DateField()
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True)
    resources = serializers.CharField(required=False, allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class VersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField()


class LineSerializer(serializers.ModelSerializer):
    work_order = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = ResultLine
        fields = ["order", "text", "result", "note", "photo_caption", "work_order"]


class RecordSerializer(serializers.ModelSerializer):
    lines = LineSerializer(many=True, read_only=True)
    device = serializers.SlugRelatedField(source="ci", slug_field="asset_tag", read_only=True)
    plan = serializers.SlugRelatedField(slug_field="number", read_only=True)
    engineer = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = InspectionRecord
        fields = [
            "id", "number", "plan", "round", "device", "engineer", "inspected_at", "note",
            "software_observed", "on_paper", "locked", "lines",
        ]  # fmt: skip
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    result = serializers.ChoiceField(choices=ItemResult.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class RecordCreateSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    device = serializers.IntegerField()
    results = LineInputSerializer(many=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    add_to_plan = serializers.BooleanField(required=False, default=False)
    client_id = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")


class ReportSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)
    plan = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = InspectionReport
        fields = [
            "id", "number", "plan", "status", "evaluation", "suggestions", "figures",
            "submitted_at", "approved_at", "rejection_reason", "lock_version", "approvals",
        ]  # fmt: skip
        read_only_fields = fields
