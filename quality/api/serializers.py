from rest_framework import serializers

from ..models import ImprovementAction, Invitation, SurveyRound, WeeklyReview


class SurveyRoundSerializer(serializers.ModelSerializer):
    survey = serializers.StringRelatedField()
    invited = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveyRound
        fields = [
            "id",
            "survey",
            "title",
            "opens_on",
            "closes_on",
            "status",
            "published_at",
            "opened_at",
            "closed_at",
            "invited",
            "answered",
            "lock_version",
        ]


class InvitationSerializer(serializers.ModelSerializer):
    round = serializers.StringRelatedField()
    round_status = serializers.CharField(source="round.status", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    answer_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "round",
            "round_status",
            "user",
            "invited_at",
            "reminded_at",
            "answered_at",
            "answer_url",
        ]


class WeeklyReviewSerializer(serializers.ModelSerializer):
    week = serializers.CharField(source="__str__", read_only=True)
    attendees = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    open_action_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = WeeklyReview
        fields = [
            "id",
            "week",
            "iso_year",
            "iso_week",
            "held_on",
            "attendees",
            "other_attendees",
            "threshold",
            "summary",
            "item_count",
            "open_action_count",
            "lock_version",
        ]


class ImprovementActionSerializer(serializers.ModelSerializer):
    review = serializers.StringRelatedField()
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    work_order = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "review",
            "description",
            "owner",
            "due_on",
            "status",
            "done_at",
            "done_note",
            "work_order",
            "lock_version",
        ]

    def get_work_order(self, action) -> str | None:
        item = action.item
        return item.work_order.number if item and item.work_order_id else None
