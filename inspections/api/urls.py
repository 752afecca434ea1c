from . import views


def register(router):
    router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")
    router.register(
        "inspection-records", views.InspectionRecordViewSet, basename="inspection-record"
    )
    router.register(
        "inspection-reports", views.InspectionReportViewSet, basename="inspection-report"
    )
    router.register("facilities", views.FacilityViewSet, basename="facility")
    router.register("facility-checks", views.FacilityCheckViewSet, basename="facility-check")
    router.register("backup-plans", views.BackupPlanViewSet, basename="backup-plan")
