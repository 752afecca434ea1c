from . import release_views, request_views, views


def register(router):
    router.register("changes", views.ChangeViewSet, basename="change")
    router.register("releases", release_views.ReleaseViewSet, basename="release")
    router.register(
        "change-requests", request_views.ChangeRequestFromUserViewSet, basename="change-request"
    )
