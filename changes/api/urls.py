from . import release_views, views


def register(router):
    router.register("changes", views.ChangeViewSet, basename="change")
    router.register("releases", release_views.ReleaseViewSet, basename="release")
