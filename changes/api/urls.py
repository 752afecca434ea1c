from . import views


def register(router):
    router.register("changes", views.ChangeViewSet, basename="change")
