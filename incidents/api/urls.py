from . import complaints, fault_log, views


def register(router):
    router.register(
        "service-records", views.ServiceRecordViewSet, basename="incident-service-record"
    )
    router.register("incidents", views.WorkOrderViewSet, basename="incident")
    router.register("fault-log", fault_log.FaultLogViewSet, basename="fault-log")
    router.register(
        "complaint-statistics",
        complaints.ComplaintStatisticsViewSet,
        basename="complaint-statistics",
    )
