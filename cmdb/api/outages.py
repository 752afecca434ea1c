"""/api/service-outages/: read by whoever may see outages; recorded, corrected and closed
by the supervisor through the same services as the page (refusals 403, stale 409)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from ..availability import outage_list, service_items
from ..models import ServiceOutage
from ..services import outages as services


class ServiceOutageSerializer(serializers.ModelSerializer):
    service = serializers.PrimaryKeyRelatedField(queryset=service_items(), allow_null=False)
    duration_minutes = serializers.SerializerMethodField()

    class Meta:
        model = ServiceOutage
        fields = [
            "id",
            "service",
            "service_name",
            "started_at",
            "ended_at",
            "cause",
            "source",
            "source_number",
            "recorded_by",
            "duration_minutes",
            "lock_version",
        ]
        read_only_fields = [
            "id",
            "service_name",
            "source",
            "source_number",
            "recorded_by",
            "duration_minutes",
            "lock_version",
        ]

    def get_duration_minutes(self, obj) -> int | None:
        return round(obj.duration.total_seconds() / 60) if obj.duration is not None else None


class OutageEditSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField()
    service = serializers.PrimaryKeyRelatedField(queryset=service_items(), required=False)
    started_at = serializers.DateTimeField(required=False)
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    cause = serializers.CharField(required=False, allow_blank=True)


class OutageCloseSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField()
    ended_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ServiceOutageViewSet(
    ServiceRefusalsMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ServiceOutageSerializer
    queryset = ServiceOutage.objects.none()
    filterset_fields = ["service", "source"]

    def get_queryset(self):
        return outage_list(user=self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.outage_create(
            actor=self.request.user,
            service=data["service"],
            started_at=data["started_at"],
            ended_at=data.get("ended_at"),
            cause=data.get("cause", ""),
        )

    @extend_schema(request=OutageEditSerializer, responses=ServiceOutageSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def correct(self, request, pk=None):
        """Correct service, times or cause (the old values stay in the audit log)."""
        edit = OutageEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        fields = dict(edit.validated_data)
        version = fields.pop("lock_version")
        outage = services.outage_update(
            outage=self.get_object(), actor=request.user, lock_version=version, **fields
        )
        return Response(ServiceOutageSerializer(outage).data)

    @extend_schema(request=OutageCloseSerializer, responses=ServiceOutageSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def close(self, request, pk=None):
        """The service is back: end the open outage (now unless `ended_at` is given)."""
        step = OutageCloseSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        outage = services.outage_close(
            outage=self.get_object(),
            actor=request.user,
            lock_version=step.validated_data["lock_version"],
            ended_at=step.validated_data["ended_at"],
        )
        return Response(ServiceOutageSerializer(outage).data)
