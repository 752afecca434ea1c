"""Requests for change from end users and the desk (changes.requests), over the API:
one's own requests (and, for the change manager, `?triage=1`: those waiting), and raising
one. Any account may; the rows are the pages' (restrict "view" / "triage")."""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from itsm.api.refusals import ServiceRefusalsMixin

from .. import requests
from ..models import ChangeRequest


class ChangeRequestFromUserSerializer(serializers.ModelSerializer):
    send = serializers.BooleanField(
        write_only=True, default=False, help_text="Send to the change manager now."
    )

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "number",
            "summary",
            "reason",
            "needed_by",
            "raised_via",
            "status",
            "submitted_at",
            "triage_note",
            "owner",
            "send",
        ]
        read_only_fields = [
            "id",
            "number",
            "raised_via",
            "status",
            "submitted_at",
            "triage_note",
            "owner",
        ]


class ChangeRequestFromUserViewSet(
    ServiceRefusalsMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """My requests for change (`?triage=1`: the requests waiting for the change manager)."""

    serializer_class = ChangeRequestFromUserSerializer
    permission_classes = [IsAuthenticated]
    queryset = ChangeRequest.objects.none()

    def get_queryset(self):
        if self.request.query_params.get("triage"):
            return requests.change_requests_to_triage(user=self.request.user)
        return requests.change_requests_mine(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        change = requests.change_request_raise(
            actor=request.user,
            summary=data["summary"],
            reason=data.get("reason", ""),
            needed_by=data.get("needed_by"),
            send=data.get("send", False),
        )
        return Response(self.get_serializer(change).data, status=status.HTTP_201_CREATED)
