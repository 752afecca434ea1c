from . import complaints, views


def register(router):
    router.register("incidents", views.WorkOrderViewSet, basename="incident")
    router.register(
        "complaint-statistics",
        complaints.ComplaintStatisticsViewSet,
        basename="complaint-statistics",
    )
