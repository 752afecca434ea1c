"""The change API: thin over changes.selectors and changes.services.

The same per-object rules, CAB and state machine as the pages: PermissionDenied → 403,
bad input → 400, a stale `lock_version` or an impossible transition → 409.
"""

from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin, action_schema, number_lookup

from .. import selectors, services
from ..models import ChangeRequest
from . import serializers

_LOOKUP = number_lookup("change", "D0501-2026093001")
_REFUSED = {
    400: OpenApiResponse(description="Invalid input, or refused (e.g. approving twice)."),
    403: OpenApiResponse(description="Your role may not do this to this change."),
    404: OpenApiResponse(description="No such change."),
    409: OpenApiResponse(description="Changed since your `lock_version`, or not possible now."),
}

_act = action_schema(lookup=_LOOKUP, refused=_REFUSED, response=serializers.ChangeSerializer)


@extend_schema_view(
    list=extend_schema(summary="Changes"),
    retrieve=extend_schema(parameters=[_LOOKUP]),
)
class ChangeViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Requests for change (变更申请 D0501), with CAB decisions and one action per transition."""

    queryset = ChangeRequest.objects.none()
    serializer_class = serializers.ChangeSerializer
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    search_fields = ["number", "summary"]
    ordering_fields = ["created_at", "planned_start", "number", "status"]
    filterset_fields = ["status", "type", "risk"]

    def get_queryset(self):
        return selectors.change_list(user=self.request.user).prefetch_related(
            "affected_items", "problems", "approvals"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        change = selectors.change_get(user=self.request.user, number=self.kwargs["number"])
        if change is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, change)
        return change

    @extend_schema(
        summary="Raise a request for change (a draft)",
        request=serializers.ChangeCreateSerializer,
        responses={201: serializers.ChangeSerializer, **_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(serializers.ChangeCreateSerializer)
        if body.get("template") is not None:
            body.pop("type", None)
        change = services.change_create(actor=request.user, **body)
        return Response(self._show(change), status=status.HTTP_201_CREATED)

    @_act(serializers.ChangeNoteSerializer, "Submit the draft")
    @action(detail=True, methods=["post"])
    def submit(self, request, number=None):
        return self._simple(services.change_submit, serializers.ChangeNoteSerializer)

    @_act(serializers.ChangeAssessSerializer, "Assess (a standard change is then pre-approved)")
    @action(detail=True, methods=["post"])
    def assess(self, request, number=None):
        return self._simple(services.change_assess, serializers.ChangeAssessSerializer)

    @_act(serializers.ChangeNoteSerializer, "Send to the CAB for approval")
    @action(detail=True, methods=["post"], url_path="request-approval")
    def request_approval(self, request, number=None):
        return self._simple(services.change_request_approval, serializers.ChangeNoteSerializer)

    @_act(serializers.ChangeDecisionSerializer, "Approve, for the CAB slot you sign for")
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        return self._simple(services.change_approve, serializers.ChangeDecisionSerializer)

    @_act(serializers.ChangeDecisionSerializer, "Reject, with a comment")
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._simple(services.change_reject, serializers.ChangeDecisionSerializer)

    @_act(serializers.ChangeNoteSerializer, "Revise a rejected change (back to draft)")
    @action(detail=True, methods=["post"])
    def revise(self, request, number=None):
        return self._simple(services.change_revise, serializers.ChangeNoteSerializer)

    @_act(serializers.ChangeNoteSerializer, "Schedule (refused inside a freeze unless emergency)")
    @action(detail=True, methods=["post"])
    def schedule(self, request, number=None):
        return self._simple(services.change_schedule, serializers.ChangeNoteSerializer)

    @_act(serializers.ChangeNoteSerializer, "Start implementation")
    @action(detail=True, methods=["post"])
    def start(self, request, number=None):
        return self._simple(services.change_start, serializers.ChangeNoteSerializer)

    @_act(serializers.ChangeOutcomeSerializer, "Implemented (writes the items' history)")
    @action(detail=True, methods=["post"])
    def complete(self, request, number=None):
        return self._simple(services.change_complete, serializers.ChangeOutcomeSerializer)

    @_act(serializers.ChangeOutcomeSerializer, "Failed")
    @action(detail=True, methods=["post"])
    def fail(self, request, number=None):
        return self._simple(services.change_fail, serializers.ChangeOutcomeSerializer)

    @_act(serializers.ChangeOutcomeSerializer, "Rolled back")
    @action(detail=True, methods=["post"], url_path="roll-back")
    def roll_back(self, request, number=None):
        return self._simple(services.change_roll_back, serializers.ChangeOutcomeSerializer)

    @_act(serializers.ChangeReviewSerializer, "Post-implementation review")
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        return self._simple(services.change_review, serializers.ChangeReviewSerializer)

    @_act(serializers.ChangeNoteSerializer, "Close")
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self._simple(services.change_close, serializers.ChangeNoteSerializer)

    # --- plumbing ------------------------------------------------------------------------

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _simple(self, service, serializer_class):
        change = self.get_object()
        body = self._valid(serializer_class)
        service(change=change, actor=self.request.user, **body)
        return Response(self._show(change))

    def _show(self, change) -> dict:
        fresh = self.get_queryset().filter(pk=change.pk).first() or change
        return serializers.ChangeSerializer(fresh, context=self.get_serializer_context()).data
