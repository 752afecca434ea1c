from rest_framework import serializers

from ..choices import ReportStatus
from ..models import GenerationJob, Report
from ..registry import REPORT_TYPES

STATUS_HELP = "One of " + ", ".join(f"`{value}`" for value in ReportStatus.values) + "."
TYPE_HELP = "One of " + ", ".join(f"`{code}`" for code in REPORT_TYPES) + "."


class ReportArchiveSerializer(serializers.ModelSerializer):
    # Plain text: an enum here would collide in the schema with other apps' "type" fields.
    type = serializers.CharField(read_only=True, help_text=TYPE_HELP)
    status = serializers.CharField(read_only=True, help_text=STATUS_HELP)
    generated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    confirmed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    delivered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    period = serializers.SerializerMethodField()
    client_approval = serializers.BooleanField(source="needs_client_approval", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id", "number", "type", "period_kind", "period", "period_start", "period_end",
            "version", "status", "preliminary", "client_approval", "due_on", "generated_at",
            "generated_by", "confirmed_at", "confirmed_by", "approved_at", "approved_by",
            "approval_body", "delivered_at", "delivered_by", "lock_version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_period(self, report) -> str:
        return report.period.slug


class ReportArchiveDetailSerializer(ReportArchiveSerializer):
    """With the frozen sections (figures with definitions, targets and drill keys; tables;
    chart definitions), exactly as the report was generated."""

    sections = serializers.JSONField(source="data", read_only=True)
    options = serializers.JSONField(read_only=True)

    class Meta(ReportArchiveSerializer.Meta):
        fields = [*ReportArchiveSerializer.Meta.fields, "options", "sections"]
        read_only_fields = fields


class ReportVersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(
        help_text="The `lock_version` you read; a stale one is refused with 409."
    )


class ReportDeliverSerializer(ReportVersionSerializer):
    by_hand = serializers.BooleanField(
        default=False, help_text="Handed over in person: recorded, no mail sent."
    )


class ReportGenerateSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=TYPE_HELP)
    period = serializers.CharField(
        help_text="`2026-09` (month), `2026-Q3` (quarter) or `2026` (year), as the type covers."
    )
    preliminary = serializers.BooleanField(
        default=False, help_text="Preview of the current, still open period."
    )
    regenerate = serializers.BooleanField(
        default=False, help_text="Make a new version even if one exists."
    )
    suggestions = serializers.CharField(default="", allow_blank=True, max_length=5000)


class ReportGenerationJobSerializer(serializers.ModelSerializer):
    type = serializers.CharField(read_only=True, help_text=TYPE_HELP)
    report = serializers.SlugRelatedField(slug_field="number", read_only=True)
    period = serializers.SerializerMethodField()

    class Meta:
        model = GenerationJob
        fields = [
            "id", "type", "period", "preliminary", "regenerate", "status", "progress",
            "message", "report", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_period(self, job) -> str:
        return job.period.slug
