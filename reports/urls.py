from django.urls import path, re_path

from . import dashboard_views

app_name = "reports"

urlpatterns = [
    path("", dashboard_views.dashboard_view, name="dashboard"),
    re_path(
        r"^dashboard\.(?P<fmt>csv|xlsx)$", dashboard_views.dashboard_export, name="dashboard-export"
    ),
]
