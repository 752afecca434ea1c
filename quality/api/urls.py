from . import views


def register(router):
    router.register("survey-rounds", views.SurveyRoundViewSet, basename="survey-round")
    router.register("survey-invitations", views.InvitationViewSet, basename="survey-invitation")
    router.register("weekly-reviews", views.WeeklyReviewViewSet, basename="weekly-review")
    router.register(
        "improvement-actions", views.ImprovementActionViewSet, basename="improvement-action"
    )
