"""The problem API: thin over problems.selectors and problems.services.

The same per-object rules and state machine as the pages: PermissionDenied → 403, bad
input → 400, a stale `lock_version` or an impossible transition → 409.
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
from ..models import Problem
from . import serializers

_LOOKUP = number_lookup("problem", "D0301-2026093001")
_REFUSED = {
    400: OpenApiResponse(description="Invalid input."),
    403: OpenApiResponse(description="Your role may not do this to this problem."),
    404: OpenApiResponse(description="No such problem."),
    409: OpenApiResponse(description="Changed since your `lock_version`, or not possible now."),
}

_act = action_schema(lookup=_LOOKUP, refused=_REFUSED, response=serializers.ProblemSerializer)


@extend_schema_view(
    list=extend_schema(summary="Problems"),
    retrieve=extend_schema(parameters=[_LOOKUP]),
)
class ProblemViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Problems (问题 D0301) with one action per transition; IT staff only."""

    queryset = Problem.objects.none()
    serializer_class = serializers.ProblemSerializer
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    search_fields = ["number", "title"]
    ordering_fields = ["created_at", "number", "status"]
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.problem_list(user=self.request.user).prefetch_related(
            "work_orders", "causes"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        problem = selectors.problem_get(user=self.request.user, number=self.kwargs["number"])
        if problem is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, problem)
        return problem

    @extend_schema(
        summary="Raise a problem",
        request=serializers.ProblemCreateSerializer,
        responses={201: serializers.ProblemSerializer, **_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(serializers.ProblemCreateSerializer)
        problem = services.problem_create(actor=request.user, **body)
        return Response(self._show(problem), status=status.HTTP_201_CREATED)

    @_act(serializers.ProblemNoteSerializer, "Start the investigation")
    @action(detail=True, methods=["post"])
    def investigate(self, request, number=None):
        return self._simple(services.problem_investigate, serializers.ProblemNoteSerializer)

    @_act(serializers.ProblemRootCauseSerializer, "Record the root cause")
    @action(detail=True, methods=["post"], url_path="root-cause")
    def root_cause(self, request, number=None):
        return self._simple(
            services.problem_record_root_cause, serializers.ProblemRootCauseSerializer
        )

    @_act(serializers.ProblemWorkaroundSerializer, "Publish the workaround (known error)")
    @action(detail=True, methods=["post"], url_path="publish-workaround")
    def publish_workaround(self, request, number=None):
        return self._simple(
            services.problem_publish_workaround, serializers.ProblemWorkaroundSerializer
        )

    @_act(serializers.ProblemResolveSerializer, "Resolve (the linked work orders' people are told)")
    @action(detail=True, methods=["post"])
    def resolve(self, request, number=None):
        return self._simple(services.problem_resolve, serializers.ProblemResolveSerializer)

    @_act(serializers.ProblemNoteSerializer, "Close")
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self._simple(services.problem_close, serializers.ProblemNoteSerializer)

    @_act(
        serializers.ProblemLinkSerializer,
        "Link work orders",
        response=serializers.ProblemLinkResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="link-work-orders")
    def link_work_orders(self, request, number=None):
        problem = self.get_object()
        body = self._valid(serializers.ProblemLinkSerializer)
        linked = services.problem_link_work_orders(
            problem=problem, actor=request.user, work_orders=body["work_orders"]
        )
        return Response({"linked": linked})

    @_act(
        serializers.FishboneCauseSerializer,
        "Add a fishbone cause",
        response=serializers.FishboneCauseSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"])
    def causes(self, request, number=None):
        problem = self.get_object()
        body = self._valid(serializers.FishboneCauseSerializer)
        cause = services.fishbone_cause_add(problem=problem, actor=request.user, **body)
        return Response(
            serializers.FishboneCauseSerializer(cause).data, status=status.HTTP_201_CREATED
        )

    # --- plumbing ------------------------------------------------------------------------

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _simple(self, service, serializer_class):
        problem = self.get_object()
        body = self._valid(serializer_class)
        problem = service(problem=problem, actor=self.request.user, **body)
        return Response(self._show(problem))

    def _show(self, problem) -> dict:
        fresh = self.get_queryset().filter(pk=problem.pk).first() or problem
        return serializers.ProblemSerializer(fresh, context=self.get_serializer_context()).data
