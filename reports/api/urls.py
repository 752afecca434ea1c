from . import views
from .dashboard import register_dashboard
from .figures import register_figures


def register(router):
    router.register("reports", views.ReportViewSet, basename="report")
    router.register("report-jobs", views.GenerationJobViewSet, basename="report-job")
    register_dashboard(router)
    register_figures(router)
