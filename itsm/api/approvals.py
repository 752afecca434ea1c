"""`/api/approvals/`: the approvals inbox of the calling user, read-only.

The same list as the home page's "waiting for me" card (itsm.approvals.pending_for):
every decision from every process waiting for this user, oldest first. Deciding happens
on each process's own endpoint (e.g. POST /api/changes/{id}/approve/).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from itsm import approvals


class PendingDecisionSerializer(serializers.Serializer):
    process = serializers.CharField(help_text="The process it belongs to, e.g. changes.")
    kind = serializers.CharField(help_text="What is to be decided, in the user's language.")
    number = serializers.CharField(help_text="The form number.")
    title = serializers.CharField()
    requested_by = serializers.CharField(help_text="Who asked for the decision.")
    since = serializers.DateTimeField(help_text="Waiting since.")
    url = serializers.CharField(help_text="The page where the user decides.")


class ApprovalViewSet(viewsets.GenericViewSet):
    """Decisions waiting for the calling user (待我审批), oldest first."""

    # No model behind it: who sees what is the providers' business (each reads only what
    # this user may decide), so being signed in is the whole API-level check.
    permission_classes = [IsAuthenticated]
    serializer_class = PendingDecisionSerializer
    filter_backends = []

    @extend_schema(
        summary="Decisions waiting for me",
        responses=PendingDecisionSerializer(many=True),
    )
    def list(self, request):
        decisions = approvals.pending_for(request.user)
        page = self.paginate_queryset(decisions)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)
