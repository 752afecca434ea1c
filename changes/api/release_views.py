"""The release API: thin over changes.release_selectors and changes.release_services.

The same per-object rules, approver set and state machine as the pages: PermissionDenied →
403, bad input or a refusal (e.g. deploying an untested release, approving twice) → 400,
a stale `lock_version` or an impossible transition → 409.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin, action_schema, number_lookup

from .. import release_selectors as selectors
from .. import release_services as services
from ..models import Release
from . import release_serializers as serializers
from .serializers import ChangeDecisionSerializer, ChangeNoteSerializer, ChangeOutcomeSerializer

_LOOKUP = number_lookup("release", "D0502-2026093001")
_REFUSED = {
    400: OpenApiResponse(
        description="Invalid input, or refused with the reason (e.g. deploying an untested or "
        "unauthorised release, approving twice)."
    ),
    403: OpenApiResponse(description="Your role may not do this to this release."),
    404: OpenApiResponse(description="No such release."),
    409: OpenApiResponse(description="Changed since your `lock_version`, or not possible now."),
}

_act = action_schema(lookup=_LOOKUP, refused=_REFUSED, response=serializers.ReleaseSerializer)


@extend_schema_view(
    list=extend_schema(summary="Releases"),
    retrieve=extend_schema(parameters=[_LOOKUP]),
)
class ReleaseViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Releases (发布 D0502): bundled changes and items, test records, authorisation by the
    release approver set, and one action per transition."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    queryset = Release.objects.none()
    serializer_class = serializers.ReleaseSerializer
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    search_fields = ["number", "title", "application", "release_version"]
    ordering_fields = ["created_at", "planned_start", "number", "status"]
    filterset_fields = ["status", "type", "risk", "application"]

    def get_queryset(self):
        return selectors.release_list(user=self.request.user).prefetch_related(
            "changes", "items", "approvals", "test_records"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "partial_update", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        release = selectors.release_get(user=self.request.user, number=self.kwargs["number"])
        if release is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, release)
        return release

    @extend_schema(
        summary="Plan a release",
        request=serializers.ReleaseWriteSerializer,
        responses={201: serializers.ReleaseSerializer, **_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(serializers.ReleaseWriteSerializer)
        release = services.release_create(actor=request.user, **body)
        return Response(self._show(release), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a planned or rejected release (only the fields sent)",
        parameters=[_LOOKUP],
        request=serializers.ReleaseUpdateSerializer,
        responses={200: serializers.ReleaseSerializer, **_REFUSED},
    )
    def partial_update(self, request, *args, **kwargs):
        release = self.get_object()
        body = self._valid(serializers.ReleaseUpdateSerializer, partial=True)
        services.release_update(release=release, actor=request.user, **body)
        return Response(self._show(release))

    @_act(ChangeNoteSerializer, "Mark built (a new build; tests start afresh)")
    @action(detail=True, methods=["post"])
    def build(self, request, number=None):
        return self._simple(services.release_build, ChangeNoteSerializer)

    @_act(serializers.ReleaseTestSerializer, "Record a test of the current build", code=201)
    @action(detail=True, methods=["post"], url_path="test-records")
    def test_records(self, request, number=None):
        release = self.get_object()
        body = self._valid(serializers.ReleaseTestSerializer)
        services.release_test_record_add(release=release, actor=request.user, **body)
        return Response(self._show(release), status=status.HTTP_201_CREATED)

    @_act(ChangeNoteSerializer, "Mark tested (every test case passes) and ask for authorisation")
    @action(detail=True, methods=["post"], url_path="mark-tested")
    def mark_tested(self, request, number=None):
        return self._simple(services.release_mark_tested, ChangeNoteSerializer)

    @_act(ChangeDecisionSerializer, "Authorise, for the approver slot you sign for")
    @action(detail=True, methods=["post"])
    def authorise(self, request, number=None):
        return self._simple(services.release_authorise, ChangeDecisionSerializer)

    @_act(ChangeDecisionSerializer, "Reject, with a comment (stops the release)")
    @action(detail=True, methods=["post"])
    def reject(self, request, number=None):
        return self._simple(services.release_reject, ChangeDecisionSerializer)

    @_act(ChangeNoteSerializer, "Revise a rejected release (back to planned)")
    @action(detail=True, methods=["post"])
    def revise(self, request, number=None):
        return self._simple(services.release_revise, ChangeNoteSerializer)

    @_act(serializers.ReleaseRescheduleSerializer, "Move the planned window (re-arms the notice)")
    @action(detail=True, methods=["post"])
    def reschedule(self, request, number=None):
        return self._simple(services.release_reschedule, serializers.ReleaseRescheduleSerializer)

    @_act(ChangeOutcomeSerializer, "Deploy (only tested and authorised; writes item history)")
    @action(detail=True, methods=["post"])
    def deploy(self, request, number=None):
        return self._simple(services.release_deploy, ChangeOutcomeSerializer)

    @_act(ChangeOutcomeSerializer, "Deployment failed")
    @action(detail=True, methods=["post"])
    def fail(self, request, number=None):
        return self._simple(services.release_fail, ChangeOutcomeSerializer)

    @_act(ChangeOutcomeSerializer, "Rolled back")
    @action(detail=True, methods=["post"], url_path="roll-back")
    def roll_back(self, request, number=None):
        return self._simple(services.release_roll_back, ChangeOutcomeSerializer)

    @_act(ChangeNoteSerializer, "Close")
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self._simple(services.release_close, ChangeNoteSerializer)

    @_act(serializers.ReleaseCancelSerializer, "Cancel a release not yet deployed")
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        return self._simple(services.release_cancel, serializers.ReleaseCancelSerializer)

    # --- plumbing ------------------------------------------------------------------------

    def _valid(self, serializer_class, partial: bool = False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _simple(self, service, serializer_class):
        release = self.get_object()
        body = self._valid(serializer_class)
        service(release=release, actor=self.request.user, **body)
        return Response(self._show(release))

    def _show(self, release) -> dict:
        fresh = self.get_queryset().filter(pk=release.pk).first() or release
        return serializers.ReleaseSerializer(fresh, context=self.get_serializer_context()).data
