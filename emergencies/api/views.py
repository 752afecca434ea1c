"""The emergency API: thin over the selectors and services, one action per transition.

The same rules as the pages: PermissionDenied → 403, bad input → 400, a stale
`lock_version` or an impossible step → 409.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from .. import resource_services, selectors, services
from ..models import Drill, Emergency, FacilityIncident, ResourceRequest
from . import serializers as s


class _Base(ServiceRefusalsMixin, viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        key = self.kwargs["number"]
        qs = self.get_queryset()
        found = qs.filter(pk=int(key)).first() if key.isdecimal() else qs.filter(number=key).first()
        if found is None:
            raise Http404()
        self.check_object_permissions(self.request, found)
        return found

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _show(self, obj, code=status.HTTP_200_OK):
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(self.get_serializer(fresh).data, status=code)


class EmergencyViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Emergencies (启动应急流程申请单 D0401) with one action per step."""

    queryset = Emergency.objects.none()
    serializer_class = s.EmergencySerializer
    filterset_fields = ["status", "type", "severity"]
    search_fields = ["number", "title"]

    def get_queryset(self):
        return selectors.emergency_list(user=self.request.user).prefetch_related(
            "work_order__children"
        )

    @extend_schema(request=s.DeclareSerializer, responses={201: s.EmergencySerializer})
    def create(self, request):
        body = self._valid(s.DeclareSerializer)
        return self._show(
            services.emergency_declare(actor=request.user, **body), status.HTTP_201_CREATED
        )

    def _step(self, service, serializer=s.VersionSerializer, **rename):
        emergency = self.get_object()
        body = self._valid(serializer)
        version = body.pop("lock_version", None)
        for old, new in rename.items():
            body[new] = body.pop(old)
        service(emergency=emergency, actor=self.request.user, lock_version=version, **body)
        return self._show(emergency)

    def _add(self, service, serializer, **rename):
        emergency = self.get_object()
        body = self._valid(serializer)
        body.pop("lock_version", None)
        for old, new in rename.items():
            body[new] = body.pop(old)
        service(emergency=emergency, actor=self.request.user, **body)
        return self._show(emergency)

    @extend_schema(request=s.VersionSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        return self._step(services.emergency_approve)

    @extend_schema(request=s.TextSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._step(services.emergency_reject, s.TextSerializer, text="reason")

    @extend_schema(request=s.OralApprovalSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"], url_path="record-oral-approval")
    def record_oral_approval(self, request, number=None):
        return self._step(services.emergency_record_oral_approval, s.OralApprovalSerializer)

    @extend_schema(request=s.VersionSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"], url_path="confirm-approval")
    def confirm_approval(self, request, number=None):
        return self._step(services.emergency_confirm_approval)

    @extend_schema(request=s.VersionSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, number=None):
        return self._step(services.emergency_activate)

    @extend_schema(request=s.TeamMemberSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def team(self, request, number=None):
        return self._add(services.team_member_add, s.TeamMemberSerializer)

    @extend_schema(request=s.TextSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, number=None):
        return self._step(services.plan_save, s.TextSerializer, text="content")

    @extend_schema(request=s.EntrySerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def entries(self, request, number=None):
        return self._add(services.process_entry_add, s.EntrySerializer)

    @extend_schema(request=s.TextSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"], url_path="status-updates")
    def status_updates(self, request, number=None):
        return self._add(services.status_update_send, s.TextSerializer, text="body")

    @extend_schema(request=s.AttachSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def attach(self, request, number=None):
        return self._add(services.work_order_attach, s.AttachSerializer)

    @extend_schema(request=s.TextSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, number=None):
        return self._step(services.emergency_restore, s.TextSerializer, text="resolution")

    @extend_schema(request=s.OutageSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def outages(self, request, number=None):
        return self._add(services.outage_record, s.OutageSerializer)

    @extend_schema(request=s.VersionSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"], url_path="submit-for-evaluation")
    def submit_for_evaluation(self, request, number=None):
        return self._step(services.emergency_submit_for_evaluation)

    @extend_schema(request=s.EvaluationSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, number=None):
        return self._step(services.emergency_evaluate, s.EvaluationSerializer)

    @extend_schema(request=s.TextSerializer, responses=s.EmergencySerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self._step(services.emergency_close, s.TextSerializer, text="result")


class ResourceRequestViewSet(_Base, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Resource requests (资源申请单 D0403): the team approves, the engineer records, the
    team confirms; never decided by the one who asked."""

    queryset = ResourceRequest.objects.none()
    serializer_class = s.ResourceRequestSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return selectors.resource_request_list(user=self.request.user).select_related(
            "decided_by", "confirmed_by"
        )

    @extend_schema(request=s.ResourceCreateSerializer, responses={201: s.ResourceRequestSerializer})
    def create(self, request):
        body = self._valid(s.ResourceCreateSerializer)
        created = resource_services.resource_request_create(actor=request.user, **body)
        return self._show(created, status.HTTP_201_CREATED)

    def _step(self, service, serializer=s.VersionSerializer, **rename):
        resource = self.get_object()
        body = self._valid(serializer)
        version = body.pop("lock_version", None)
        for old, new in rename.items():
            body[new] = body.pop(old)
        service(request=resource, actor=self.request.user, lock_version=version, **body)
        return self._show(resource)

    @extend_schema(request=s.TextSerializer, responses=s.ResourceRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        return self._step(resource_services.resource_request_approve, s.TextSerializer, text="note")

    @extend_schema(request=s.TextSerializer, responses=s.ResourceRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._step(resource_services.resource_request_reject, s.TextSerializer, text="note")

    @extend_schema(request=s.ResourceResultSerializer, responses=s.ResourceRequestSerializer)
    @action(detail=True, methods=["post"], url_path="record-result")
    def record_result(self, request, number=None):
        return self._step(
            resource_services.resource_request_record_result,
            s.ResourceResultSerializer,
            text="result",
        )

    @extend_schema(request=s.VersionSerializer, responses=s.ResourceRequestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._step(resource_services.resource_request_confirm)


class DrillViewSet(ServiceRefusalsMixin, viewsets.ReadOnlyModelViewSet):
    """应急演练记录 (D0406), newest first."""

    queryset = Drill.objects.none()
    serializer_class = s.DrillSerializer

    def get_queryset(self):
        return selectors.drill_list(user=self.request.user)


class FacilityIncidentViewSet(ServiceRefusalsMixin, viewsets.ReadOnlyModelViewSet):
    """设施事件报告 (D0407): fire, power, water and lightning incidents and their reporting."""

    queryset = FacilityIncident.objects.none()
    serializer_class = s.FacilityIncidentSerializer

    def get_queryset(self):
        return selectors.facility_incident_list(user=self.request.user).select_related(
            "reported_by"
        )
