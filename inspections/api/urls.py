from . import views


def register(router):
    router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")
    router.register(
        "inspection-records", views.InspectionRecordViewSet, basename="inspection-record"
    )
    router.register(
        "inspection-reports", views.InspectionReportViewSet, basename="inspection-report"
    )
