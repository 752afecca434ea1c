from django_filters import rest_framework as filters
from rest_framework import viewsets

from .. import selectors
from ..models import ImprovementAction, Invitation, SurveyRound, WeeklyReview
from . import serializers


class SurveyRoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey rounds with their invited and answered counts (the quality roles)."""

    serializer_class = serializers.SurveyRoundSerializer
    queryset = SurveyRound.objects.none()
    filterset_fields = ["status", "survey"]

    def get_queryset(self):
        return selectors.round_list(user=self.request.user)


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey invitations: an end user's own; all of them for the quality roles."""

    serializer_class = serializers.InvitationSerializer
    queryset = Invitation.objects.none()
    filterset_fields = ["round"]

    def get_queryset(self):
        return (
            Invitation.objects.restrict(self.request.user, "view")
            .select_related("round", "user")
            .order_by("-invited_at", "-pk")
        )


class WeeklyReviewViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.WeeklyReviewSerializer
    queryset = WeeklyReview.objects.none()
    filterset_fields = ["iso_year", "iso_week"]

    def get_queryset(self):
        return selectors.review_list(user=self.request.user).prefetch_related("attendees")


class ActionFilter(filters.FilterSet):
    overdue_on = filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = ImprovementAction
        fields = ["status", "owner", "review", "overdue_on"]


class ImprovementActionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ImprovementActionSerializer
    queryset = ImprovementAction.objects.none()
    filterset_class = ActionFilter

    def get_queryset(self):
        return selectors.action_list(user=self.request.user)
