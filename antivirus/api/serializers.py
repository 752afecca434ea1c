from rest_framework import serializers

from ..choices import ImportKind
from ..models import ConsoleImport, Endpoint, NetworkSegment, VirusEvent


class EndpointSerializer(serializers.ModelSerializer):
    """Host name, IP, OS and user are the CMDB item's, read through, never stored here."""

    asset_tag = serializers.CharField(source="ci.asset_tag", read_only=True, default="")
    host_name = serializers.CharField(read_only=True)
    ip = serializers.CharField(read_only=True)
    os = serializers.CharField(read_only=True)
    user_name = serializers.CharField(read_only=True)
    department = serializers.CharField(source="ci.department.name", read_only=True, default="")
    state_reason = serializers.CharField(read_only=True)

    class Meta:
        model = Endpoint
        fields = [
            "id", "ci", "asset_tag", "host_name", "ip", "os", "user_name", "department",
            "installed", "product", "product_version", "engine_version", "signature_version",
            "signature_date", "console", "last_seen", "state", "state_reason",
        ]  # fmt: skip
        read_only_fields = fields


class VirusEventSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="ci.department.name", read_only=True, default="")

    class Meta:
        model = VirusEvent
        fields = [
            "id", "detected_at", "ci", "host_name", "ip", "user_name", "department", "threat",
            "file_path", "action", "result", "result_text", "product", "console_import",
        ]  # fmt: skip
        read_only_fields = fields


class ConsoleImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsoleImport
        fields = [
            "id", "kind", "profile", "file_name", "sha256", "size", "encoding", "status",
            "progress", "rows_total", "rows_invalid", "errors", "unknown_hosts", "unknown_count",
            "added", "skipped", "message", "created_by", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class ConsoleImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    file = serializers.FileField()


class NetworkSegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = NetworkSegment
        fields = ["id", "name", "cidr", "department", "location", "notes"]
