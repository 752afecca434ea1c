"""The knowledge API: thin over knowledge.selectors (reads) and knowledge.services (writes).

The same visibility and the same per-user rules as the pages; the services' refusals
become HTTP answers: PermissionDenied → 403, bad input (editing a published record
included) → 400, a stale `lock_version` or a transition impossible in the status → 409.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin, action_schema, number_lookup

from .. import permissions, selectors, services
from ..choices import Status
from ..models import KnowledgeRecord
from . import serializers

_LOOKUP = number_lookup("record", "D0303-2026093001")
_REFUSED = {
    400: OpenApiResponse(description="Invalid input, or not possible for this record."),
    403: OpenApiResponse(description="Your role may not do this."),
    404: OpenApiResponse(description="No such record, or not visible to you."),
    409: OpenApiResponse(description="Changed since your `lock_version`, or not in this status."),
}

_act = action_schema(
    lookup=_LOOKUP, refused=_REFUSED, response=serializers.KnowledgeRecordSerializer
)


@extend_schema_view(
    list=extend_schema(
        summary="Knowledge records you may read; ranked when searching",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Search words, Chinese or English; results are ranked best first.",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=list(Status.values),
                description="Staff only: one status. Without `q` and `status`, staff get every "
                "record and others the published public ones.",
            ),
        ],
    ),
    retrieve=extend_schema(parameters=[_LOOKUP]),
)
class KnowledgeRecordViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Knowledge records (知识记录): draft → reviewed → published → retired.

    End users see published public records; IT staff published internal ones too, and
    every status in the unsearched list. Writers (desk, engineers) create and edit
    drafts; the curator (service supervisor) reviews, publishes, retires and merges.
    """

    queryset = KnowledgeRecord.objects.none()  # for the schema; rows come from the selectors
    serializer_class = serializers.KnowledgeRecordSerializer
    filter_backends = []
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return selectors.record_visible(user=self.request.user).select_related(
            *selectors.LIST_RELATED, "previous_version", "merged_into"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata", "partial_update"):
            return super().get_permissions()
        return [ActOnVisible()]

    def list(self, request, *args, **kwargs):
        user = request.user
        query = request.query_params.get("q", "").strip()[:200]
        wanted = request.query_params.get("status", "")
        staff = permissions.is_staff(user)
        wanted = wanted if staff and wanted in Status.values else ""
        if query and not wanted:
            rows = selectors.record_search(user=user, query=query)
        else:
            rows = selectors.record_list(user=user, status=wanted or None, query=query)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        try:
            record = selectors.record_get(user=self.request.user, number=self.kwargs["number"])
        except Http404 as exc:
            raise exceptions.NotFound() from exc
        self.check_object_permissions(self.request, record)
        return record

    @extend_schema(
        summary="Write a draft",
        request=serializers.KnowledgeRecordCreateSerializer,
        responses={201: serializers.KnowledgeRecordSerializer, **_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(serializers.KnowledgeRecordCreateSerializer)
        record = services.record_create(actor=request.user, **body)
        return Response(self._show(record), status=status.HTTP_201_CREATED)

    @_act(serializers.KnowledgeRecordUpdateSerializer, "Edit a draft (not a published record)")
    def partial_update(self, request, number=None):
        record = self.get_object()
        body = self._valid(serializers.KnowledgeRecordUpdateSerializer)
        record = services.record_update(record=record, actor=request.user, **body)
        return Response(self._show(record))

    @_act(serializers.KnowledgeTransitionSerializer, "Mark reviewed (curator)")
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        return self._transition(services.record_review)

    @_act(serializers.KnowledgeTransitionSerializer, "Send back to draft (curator)")
    @action(detail=True, methods=["post"])
    def rework(self, request, number=None):
        return self._transition(services.record_rework)

    @_act(serializers.KnowledgeTransitionSerializer, "Publish (curator)")
    @action(detail=True, methods=["post"])
    def publish(self, request, number=None):
        return self._transition(services.record_publish)

    @_act(serializers.KnowledgeTransitionSerializer, "Retire (curator)")
    @action(detail=True, methods=["post"])
    def retire(self, request, number=None):
        return self._transition(services.record_retire)

    @_act(
        serializers.KnowledgeLockSerializer, "Start a new version of a published record", code=201
    )
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, number=None):
        record = self.get_object()
        body = self._valid(serializers.KnowledgeLockSerializer)
        draft = services.record_new_version(record=record, actor=request.user, **body)
        return Response(self._show(draft), status=status.HTTP_201_CREATED)

    @_act(serializers.KnowledgeMergeSerializer, "Merge a duplicate into this record (curator)")
    @action(detail=True, methods=["post"])
    def merge(self, request, number=None):
        survivor = self.get_object()
        body = self._valid(serializers.KnowledgeMergeSerializer)
        try:
            duplicate = selectors.record_get(user=request.user, number=body["duplicate"])
        except Http404 as exc:
            raise exceptions.ValidationError({"duplicate": ["No such record."]}) from exc
        record = services.record_merge(
            duplicate=duplicate,
            survivor=survivor,
            actor=request.user,
            lock_version=body["lock_version"],
        )
        return Response(self._show(record))

    @_act(
        serializers.KnowledgeFeedbackSerializer,
        "Did this help? (once per user)",
        response=serializers.KnowledgeFeedbackResultSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"])
    def feedback(self, request, number=None):
        record = self.get_object()
        body = self._valid(serializers.KnowledgeFeedbackSerializer)
        services.record_feedback(record=record, actor=request.user, **body)
        record.refresh_from_db(fields=["helpful_count", "not_helpful_count"])
        return Response(
            {
                "helpful_count": record.helpful_count,
                "not_helpful_count": record.not_helpful_count,
            },
            status=status.HTTP_201_CREATED,
        )

    # --- plumbing ------------------------------------------------------------------------

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _transition(self, service):
        record = self.get_object()
        body = self._valid(serializers.KnowledgeTransitionSerializer)
        record = service(
            record=record,
            actor=self.request.user,
            note=body["note"],
            lock_version=body["lock_version"],
        )
        return Response(self._show(record))

    def _show(self, record) -> dict:
        fresh = self.get_queryset().filter(pk=record.pk).first() or record
        return serializers.KnowledgeRecordSerializer(
            fresh, context=self.get_serializer_context()
        ).data
