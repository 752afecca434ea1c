from rest_framework import serializers

from ..choices import ItemResult
from ..models import (
    BackupPlan,
    BackupRecord,
    Facility,
    FacilityCheck,
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


class FacilitySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    building = serializers.StringRelatedField()
    schedule = serializers.StringRelatedField()
    due_months = serializers.ListField(source="schedule.due_months", read_only=True)
    responsible = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Facility
        fields = [
            "id", "name", "kind", "building", "place", "schedule", "due_months", "responsible",
            "last_checked_on", "next_due_on",
        ]  # fmt: skip
        read_only_fields = fields


class FacilityLineSerializer(serializers.ModelSerializer):
    result = serializers.CharField(read_only=True)

    class Meta:
        model = ResultLine
        fields = ["order", "text", "result", "measured_value", "limit", "note"]
        read_only_fields = fields


class FacilityCheckSerializer(serializers.ModelSerializer):
    engineer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    lines = FacilityLineSerializer(many=True, read_only=True)

    class Meta:
        model = FacilityCheck
        fields = ["id", "number", "facility", "checked_on", "engineer", "passed", "note", "lines"]
        read_only_fields = fields


class BackupPlanSerializer(serializers.ModelSerializer):
    department = serializers.StringRelatedField()
    method = serializers.CharField(read_only=True)
    responsible = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = BackupPlan
        fields = [
            "id", "department", "system", "ci", "method", "every_days", "retention_days",
            "location", "responsible", "last_success_on", "next_due_on", "last_restore_test_on",
        ]  # fmt: skip
        read_only_fields = fields


class BackupRunSerializer(serializers.ModelSerializer):
    result = serializers.ChoiceField(choices=["ok", "failed"])

    class Meta:
        model = BackupRecord
        fields = ["id", "performed_on", "result", "size_gb", "location", "note"]
        read_only_fields = ["id"]
