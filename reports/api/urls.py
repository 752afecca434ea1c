from . import views


def register(router):
    router.register("reports", views.ReportViewSet, basename="report")
    router.register("report-jobs", views.GenerationJobViewSet, basename="report-job")
