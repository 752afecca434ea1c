from django.urls import path, re_path
from django.views.generic import RedirectView

from . import dashboard_views, figures_views, views

app_name = "reports"

urlpatterns = [
    # The managers' dashboard (reports/dashboard*.py); the archive lives at archive/.
    path("", dashboard_views.dashboard_view, name="dashboard"),
    re_path(
        r"^dashboard\.(?P<fmt>csv|xlsx)$", dashboard_views.dashboard_export, name="dashboard-export"
    ),
    path("targets/", figures_views.quarter_targets_view, name="quarter-targets"),
    path("costs/", figures_views.department_costs_view, name="department-costs"),
    path("archive/", views.report_archive, name="archive"),
    path("generate/", views.report_generate, name="generate"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    # drill_base: the prefix section templates append "<key>/?…" to.
    path("drill/", RedirectView.as_view(pattern_name="reports:archive"), name="drill_base"),
    path("drill/<str:key>/", views.drill_page, name="drill"),
    path("archive/<str:number>/", views.report_detail, name="detail"),
    path("archive/<str:number>/pdf/", views.report_pdf, name="pdf"),
    path("archive/<str:number>/xlsx/", views.report_xlsx, name="xlsx"),
    path("archive/<str:number>/csv/<str:table>/", views.report_csv, name="csv"),
    path("archive/<str:number>/<slug:action>/", views.report_act, name="act"),
]
