from django.urls import path

from . import import_views, views

app_name = "antivirus"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint_list"),
    path("endpoints.csv", views.endpoint_export, name="endpoint_export"),
    path("events.csv", views.event_export, name="event_export"),
    path("endpoints/<int:pk>/", views.endpoint_detail, name="endpoint_detail"),
    path("endpoints/<int:pk>/install/", views.endpoint_install, name="endpoint_install"),
    path("endpoints/<int:pk>/notify/", views.endpoint_notify, name="endpoint_notify"),
    path("ci/<int:ci_pk>/protection/", views.ci_protection, name="ci_protection"),
    path("imports/", import_views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
    path("imports/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("coverage/", views.coverage, name="coverage"),
    path("evaluations/", views.evaluation_list, name="evaluation_list"),
    path("evaluations/<str:week>/", views.evaluation_detail, name="evaluation_detail"),
    path("outbreaks/<int:pk>/", views.outbreak_detail, name="outbreak_detail"),
    path("reinstalls/", views.reinstall_list, name="reinstall_list"),
    path("reinstalls/<int:pk>/", views.reinstall_detail, name="reinstall_detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.pdf", views.statistics_pdf, name="statistics_pdf"),
]
