from . import views


def register(router):
    router.register("problems", views.ProblemViewSet, basename="problem")
