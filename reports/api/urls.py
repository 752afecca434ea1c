from . import views
from .dashboard import register_dashboard


def register(router):
    router.register("reports", views.ReportViewSet, basename="report")
    router.register("report-jobs", views.GenerationJobViewSet, basename="report-job")
    register_dashboard(router)
