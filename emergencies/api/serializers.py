from django.contrib.auth import get_user_model
from rest_framework import serializers

from incidents.models import WorkOrder

from ..choices import ApprovalChannel, Outcome, ResourceKind, Severity, TeamRole
from ..models import Drill, Emergency, FacilityIncident, ResourceRequest

User = get_user_model()


class EmergencySerializer(serializers.ModelSerializer):
    work_order = serializers.SlugRelatedField(slug_field="number", read_only=True)
    commander = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    children = serializers.SerializerMethodField()

    class Meta:
        model = Emergency
        fields = [
            "id",
            "number",
            "title",
            "type",
            "severity",
            "scope",
            "status",
            "round",
            "commander",
            "work_order",
            "approval_mode",
            "approved_by",
            "approved_at",
            "approval_channel",
            "confirmation_due_at",
            "confirmed_at",
            "next_update_due_at",
            "activated_at",
            "closed_at",
            "cause",
            "result",
            "children",
            "lock_version",
            "created_at",
        ]

    def get_children(self, emergency) -> list[str]:
        return [child.number for child in emergency.work_order.children.all()]


def _choice_text(choices, **kwargs):
    # Plain text checked by the services: an enum here would collide in the schema with
    # other apps' fields of the same name ("kind", "channel").
    values = ", ".join(f"`{value}`" for value, _label in choices)
    return serializers.CharField(help_text=f"One of {values}.", **kwargs)


class ResourceRequestSerializer(serializers.ModelSerializer):
    kind = _choice_text(ResourceKind.choices, read_only=True)
    emergency = serializers.SlugRelatedField(slug_field="number", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ResourceRequest
        fields = [
            "id",
            "number",
            "emergency",
            "kind",
            "description",
            "from_whom",
            "product",
            "model_spec",
            "supplier",
            "cost",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "result",
            "result_at",
            "confirmed_by",
            "confirmed_at",
            "lock_version",
            "created_at",
        ]


def _user_field(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
    )


class DeclareSerializer(serializers.Serializer):
    work_order = serializers.SlugRelatedField(
        slug_field="number", queryset=WorkOrder.objects.all(), required=False, allow_null=True
    )
    type = serializers.CharField(allow_blank=True, required=False, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.HIGH)
    scope = serializers.CharField(allow_blank=True, required=False, default="")
    title = serializers.CharField(allow_blank=True, required=False, default="")
    commander = _user_field(required=False, allow_null=True, default=None)
    cause = serializers.CharField(allow_blank=True, required=False, default="")


class VersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(required=False)


class TextSerializer(VersionSerializer):
    text = serializers.CharField(allow_blank=True, required=False, default="")


class OralApprovalSerializer(VersionSerializer):
    approver = _user_field()
    channel = _choice_text(ApprovalChannel.choices)
    approved_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TeamMemberSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=TeamRole.choices)
    user = _user_field(required=False, allow_null=True, default=None)
    name = serializers.CharField(allow_blank=True, required=False, default="")
    organisation = serializers.CharField(allow_blank=True, required=False, default="")
    phone = serializers.CharField(allow_blank=True, required=False, default="")


class EntrySerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)
    on_site = serializers.BooleanField(default=False)
    signed_by = serializers.CharField(allow_blank=True, required=False, default="")


class AttachSerializer(serializers.Serializer):
    work_order = serializers.SlugRelatedField(slug_field="number", queryset=WorkOrder.objects.all())


class OutageSerializer(serializers.Serializer):
    service_name = serializers.CharField(allow_blank=True, required=False, default="")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    cause = serializers.CharField(allow_blank=True, required=False, default="")


class EvaluationSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    opinion = serializers.CharField(allow_blank=True)
    problem_title = serializers.CharField(allow_blank=True, required=False, default="")
    change_summary = serializers.CharField(allow_blank=True, required=False, default="")


class ResourceCreateSerializer(serializers.Serializer):
    emergency = serializers.SlugRelatedField(slug_field="number", queryset=Emergency.objects.all())
    kind = _choice_text(ResourceKind.choices)
    description = serializers.CharField(allow_blank=True)
    from_whom = serializers.CharField(allow_blank=True, required=False, default="")
    product = serializers.CharField(allow_blank=True, required=False, default="")
    model_spec = serializers.CharField(allow_blank=True, required=False, default="")
    supplier = serializers.CharField(allow_blank=True, required=False, default="")
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, default=0)


class ResourceResultSerializer(TextSerializer):
    cost = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, default=None
    )


class DrillSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    result = serializers.CharField(read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Drill
        fields = [
            "id", "number", "kind", "held_on", "place", "scenario", "participants", "result",
            "findings", "improvements", "recorded_by",
        ]  # fmt: skip
        read_only_fields = fields


class FacilityIncidentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    written_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reported_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FacilityIncident
        fields = [
            "id", "number", "kind", "title", "occurred_at", "ended_at", "place", "description",
            "cause", "losses", "actions", "prevention", "status", "written_by", "reviewed_by",
            "reviewed_at", "reported_to", "reported_by", "reported_at", "lock_version",
        ]  # fmt: skip
        read_only_fields = fields
