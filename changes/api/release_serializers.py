"""The release as the API shows it, and the small bodies of each action."""

from rest_framework import serializers

from cmdb.models import ConfigurationItem
from problems.api.serializers import enum_field

from ..choices import ReleaseStatus, ReleaseType, TestResult
from ..models import ChangeRequest, Release, ReleaseApproval, ReleaseTestRecord
from ..selectors import implementers
from .serializers import ChangeNoteSerializer, ChangeVersionSerializer, DecisionField, RiskField

ReleaseStatusField = enum_field(ReleaseStatus)
ReleaseTypeField = enum_field(ReleaseType)
TestResultField = enum_field(TestResult)


class ReleaseApprovalSerializer(serializers.ModelSerializer):
    decision = DecisionField(read_only=True)

    class Meta:
        model = ReleaseApproval
        fields = ["id", "round", "slot_name", "decision", "approver", "comment", "decided_at"]
        read_only_fields = fields


class ReleaseTestRecordSerializer(serializers.ModelSerializer):
    result = TestResultField(read_only=True)

    class Meta:
        model = ReleaseTestRecord
        fields = ["id", "build", "case", "environment", "result", "tester", "tested_at", "notes"]
        read_only_fields = fields


class ReleaseSerializer(serializers.ModelSerializer):
    status = ReleaseStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    type = ReleaseTypeField(read_only=True)
    risk = RiskField(read_only=True)
    changes = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    items = serializers.SlugRelatedField(slug_field="asset_tag", many=True, read_only=True)
    test_records = ReleaseTestRecordSerializer(many=True, read_only=True)
    approvals = serializers.SerializerMethodField()
    lock_version = serializers.IntegerField(
        read_only=True, help_text="Send it back with every write; a stale one is refused (409)."
    )

    class Meta:
        model = Release
        fields = [
            "id",
            "number",
            "application",
            "release_version",
            "title",
            "type",
            "status",
            "status_display",
            "description",
            "risk",
            "risk_assessment",
            "deployment_plan",
            "rollback_plan",
            "planned_start",
            "planned_end",
            "requester",
            "manager",
            "changes",
            "items",
            "build",
            "test_records",
            "approvals",
            "outcome",
            "built_at",
            "tested_at",
            "authorised_at",
            "deployed_at",
            "failed_at",
            "rolled_back_at",
            "closed_at",
            "users_notified_at",
            "lock_version",
            "created_at",
        ]
        read_only_fields = fields

    def get_approvals(self, release) -> list[dict]:
        rows = [a for a in release.approvals.all() if a.round == release.approval_round]
        return ReleaseApprovalSerializer(rows, many=True).data


class ReleaseWriteSerializer(serializers.Serializer):
    """Create (all fields but the three names optional) or edit (only what is sent)."""

    application = serializers.CharField(max_length=100)
    release_version = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=200)
    type = ReleaseTypeField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    risk = RiskField(required=False)
    risk_assessment = serializers.CharField(required=False, allow_blank=True)
    deployment_plan = serializers.CharField(required=False, allow_blank=True)
    rollback_plan = serializers.CharField(required=False, allow_blank=True)
    planned_start = serializers.DateTimeField(required=False, allow_null=True)
    planned_end = serializers.DateTimeField(required=False, allow_null=True)
    manager = serializers.PrimaryKeyRelatedField(
        # The page's choice: an approver as manager could never sign, and none could deploy.
        queryset=implementers(),
        required=False,
        help_text="The release manager (user id, an engineer or supervisor); you, unless given.",
    )
    changes = serializers.SlugRelatedField(
        slug_field="number", queryset=ChangeRequest.objects.all(), many=True, required=False
    )
    items = serializers.SlugRelatedField(
        slug_field="asset_tag", queryset=ConfigurationItem.objects.all(), many=True, required=False
    )


class ReleaseUpdateSerializer(ReleaseWriteSerializer, ChangeVersionSerializer):
    application = serializers.CharField(max_length=100, required=False)
    release_version = serializers.CharField(max_length=50, required=False)
    title = serializers.CharField(max_length=200, required=False)


class ReleaseTestSerializer(ChangeVersionSerializer):
    case = serializers.CharField(max_length=200, help_text="What was tested.")
    environment = serializers.CharField(max_length=100, required=False, allow_blank=True)
    result = TestResultField()
    tested_at = serializers.DateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class ReleaseRescheduleSerializer(ChangeNoteSerializer):
    planned_start = serializers.DateTimeField()
    planned_end = serializers.DateTimeField()


class ReleaseCancelSerializer(ChangeVersionSerializer):
    note = serializers.CharField(help_text="Why the release is cancelled.")
