from . import views


def register(router):
    router.register(
        "service-records", views.ServiceRecordViewSet, basename="incident-service-record"
    )
    router.register("incidents", views.WorkOrderViewSet, basename="incident")
