from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from .. import importing
from ..models import ConsoleImport, Endpoint, NetworkSegment, VirusEvent
from . import serializers


class EndpointFilter(filters.FilterSet):
    department = filters.NumberFilter(field_name="ci__department")

    class Meta:
        model = Endpoint
        fields = ["state", "product", "installed", "department"]


class EndpointViewSet(viewsets.ReadOnlyModelViewSet):
    """Endpoint protection the caller may see (end users: their own computers)."""

    serializer_class = serializers.EndpointSerializer
    queryset = Endpoint.objects.none()
    filterset_class = EndpointFilter
    search_fields = ["ci__asset_tag", "reported_host", "ci__name"]

    def get_queryset(self):
        return (
            Endpoint.objects.restrict(self.request.user, "view")
            .select_related("ci__department", "ci__responsible__person")
            .order_by("ci__asset_tag", "reported_host", "pk")
        )


class VirusEventFilter(filters.FilterSet):
    since = filters.IsoDateTimeFilter(field_name="detected_at", lookup_expr="gte")
    until = filters.IsoDateTimeFilter(field_name="detected_at", lookup_expr="lt")
    department = filters.NumberFilter(field_name="ci__department")

    class Meta:
        model = VirusEvent
        fields = ["threat", "result", "ci", "department", "since", "until"]


class VirusEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.VirusEventSerializer
    queryset = VirusEvent.objects.none()
    filterset_class = VirusEventFilter
    search_fields = ["threat", "host_name", "file_path"]

    def get_queryset(self):
        return (
            VirusEvent.objects.restrict(self.request.user, "view")
            .select_related("ci__department")
            .order_by("-detected_at", "pk")
        )


class ConsoleImportViewSet(
    ServiceRefusalsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Console imports. POST a file (multipart: kind, file) → dry run; `apply` writes it."""

    serializer_class = serializers.ConsoleImportSerializer
    queryset = ConsoleImport.objects.none()
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return ConsoleImport.objects.restrict(self.request.user, "view").order_by(
            "-created_at", "-pk"
        )

    @extend_schema(
        request=serializers.ConsoleImportUploadSerializer,
        responses={201: serializers.ConsoleImportSerializer},
    )
    def create(self, request, *args, **kwargs):
        upload = serializers.ConsoleImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        record = importing.import_upload(
            actor=request.user,
            kind=upload.validated_data["kind"],
            uploaded=upload.validated_data["file"],
        )
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: serializers.ConsoleImportSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def apply(self, request, pk=None):
        record = self.get_object()
        if not importing.import_request_apply(actor=request.user, record=record):
            from itsm.workflow import IllegalTransition

            raise IllegalTransition(_("Only a checked import without errors can be applied, once."))
        record.refresh_from_db()
        return Response(self.get_serializer(record).data, status=status.HTTP_202_ACCEPTED)


class NetworkSegmentViewSet(viewsets.ModelViewSet):
    serializer_class = serializers.NetworkSegmentSerializer
    queryset = NetworkSegment.objects.none()
    search_fields = ["name", "cidr"]

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return NetworkSegment.objects.restrict(self.request.user, action).order_by("cidr")
