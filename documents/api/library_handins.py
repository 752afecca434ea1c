"""The driver library and the technical hand-ins in the API (read-only lists): the same
rules as the pages (documents.selectors, documents.handin_selectors)."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from itsm.api.refusals import ServiceRefusalsMixin

from .. import selectors
from ..choices import HandInStatus, LibraryKind
from ..models import LibraryEntry, TechnicalHandIn
from .serializers import _PersonField


class LibraryEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    device_models = serializers.ListField(
        source="model_list", child=serializers.CharField(), read_only=True
    )
    ci_classes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    has_file = serializers.BooleanField(read_only=True)
    added_by = _PersonField()

    class Meta:
        model = LibraryEntry
        fields = [
            "id", "kind", "kind_label", "title", "vendor", "version", "device_models",
            "ci_classes", "operating_system", "location", "checksum", "has_file",
            "original_name", "size", "notes", "superseded", "added_by", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class TechnicalHandInSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="duty.kind", read_only=True)
    engineer = _PersonField(source="duty.assignee")
    team = serializers.CharField(source="duty.team.name", read_only=True, default="")
    period = serializers.CharField(source="period_label", read_only=True)
    has_file = serializers.BooleanField(read_only=True)

    class Meta:
        model = TechnicalHandIn
        fields = [
            "id", "kind", "engineer", "team", "period", "period_start", "due_on", "status",
            "title", "summary", "link", "knowledge_record_number", "has_file", "submitted_at",
            "reviewed_at", "review_note", "entered_record_number",
        ]  # fmt: skip
        read_only_fields = fields


_LIBRARY_FILTERS = [
    OpenApiParameter("model", OpenApiTypes.STR, description="Device model (any part, any case)."),
    OpenApiParameter("ci_class", OpenApiTypes.STR, description="CMDB class code, e.g. printer."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=LibraryKind.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="Words in title, vendor, OS, notes."),
    OpenApiParameter("superseded", OpenApiTypes.BOOL, description="Include superseded entries."),
]


@extend_schema_view(list=extend_schema(parameters=_LIBRARY_FILTERS))
class LibraryEntryViewSet(
    ServiceRefusalsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The driver and software library: compatibility lists, OS images, drivers, patches
    and virus-protection lists, searchable by device model."""

    queryset = LibraryEntry.objects.none()
    serializer_class = LibraryEntrySerializer
    filter_backends = []

    def get_queryset(self):
        params = self.request.query_params
        kind = params.get("kind", "")
        return selectors.library_list(
            user=self.request.user,
            kind=kind if kind in LibraryKind.values else "",
            model=params.get("model", "")[:100],
            ci_class=params.get("ci_class", "")[:30],
            query=params.get("q", "")[:100],
            include_superseded=params.get("superseded", "").lower() in ("1", "true", "yes"),
        ).order_by("kind", "title", "-pk")

    @extend_schema(
        summary="Download the entry's file",
        responses={200: OpenApiResponse(OpenApiTypes.BINARY), 404: OpenApiResponse()},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        entry = self.get_object()
        if not entry.file:
            raise Http404
        response = FileResponse(
            entry.file.open("rb"),
            as_attachment=True,
            filename=entry.original_name or "file",
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["weekly", "monthly"]),
            OpenApiParameter("status", OpenApiTypes.STR, enum=HandInStatus.values),
        ]
    )
)
class TechnicalHandInViewSet(
    ServiceRefusalsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Technical documents and monthly reports handed in (or owed), newest due first."""

    queryset = TechnicalHandIn.objects.none()
    serializer_class = TechnicalHandInSerializer
    filter_backends = []

    def get_queryset(self):
        handins = TechnicalHandIn.objects.restrict(self.request.user, "view").select_related(
            "duty__assignee__person", "duty__team"
        )
        params = self.request.query_params
        if params.get("kind") in ("weekly", "monthly"):
            handins = handins.filter(duty__kind=params["kind"])
        if params.get("status") in HandInStatus.values:
            handins = handins.filter(status=params["status"])
        return handins.order_by("-due_on", "-pk")
