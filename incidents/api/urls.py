from . import views


def register(router):
    router.register("incidents", views.WorkOrderViewSet, basename="incident")
