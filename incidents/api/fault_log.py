"""The system running fault log over the API: `/api/fault-log/?month=2026-11`, the same rows
(and rules) as the page."""

from django.core.exceptions import PermissionDenied
from rest_framework import mixins, serializers, viewsets

from itsm.api.refusals import ServiceRefusalsMixin

from .. import fault_log
from ..models import FaultReport, WorkOrder
from ..views_fault_log import _month


class FaultReportSerializer(serializers.ModelSerializer):
    written_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = FaultReport
        fields = [
            "number", "started_at", "ended_at", "duration_minutes", "cause", "impact",
            "actions", "prevention", "written_by",
        ]  # fmt: skip
        read_only_fields = fields


class FaultLogRowSerializer(serializers.ModelSerializer):
    device = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    category = serializers.StringRelatedField()
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    status = serializers.CharField(read_only=True)
    is_major = serializers.BooleanField(read_only=True)
    fault_report_missing = serializers.SerializerMethodField()
    fault_report = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "number", "created_at", "title", "device", "category", "priority", "impact",
            "is_major", "status", "assignee", "resolved_at", "resolution",
            "fault_report_missing", "fault_report",
        ]  # fmt: skip
        read_only_fields = fields

    def get_fault_report_missing(self, order) -> bool:
        return bool(
            order.is_major and order.status in fault_log.DONE_STATUSES and not order.has_report
        )

    def get_fault_report(self, order) -> dict | None:
        return FaultReportSerializer(order.fault_report).data if order.has_report else None


class FaultLogViewSet(ServiceRefusalsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """系统运行故障记录表: the month's system and network faults (`?month=YYYY-MM`)."""

    queryset = WorkOrder.objects.none()
    serializer_class = FaultLogRowSerializer

    def get_queryset(self):
        if not fault_log.is_reader(self.request.user):
            raise PermissionDenied
        month = _month(self.request.query_params.get("month", ""))
        return fault_log.fault_log(user=self.request.user, month=month)
