from django.urls import path

from . import offline, views, views_facilities

app_name = "inspections"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/do/<str:action>/", views.plan_action, name="plan_action"),
    path("today/", views.today, name="today"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/devices/<int:ci_pk>/", views.record_form, name="record_form"),
    path("rounds/<int:pk>/sheet.pdf", views.route_sheet, name="route_sheet"),
    path("rounds/<int:pk>/paper/", views.paper_entry, name="paper_entry"),
    path("rounds/<int:pk>/offline/", offline.offline_page, name="offline"),
    path("rounds/<int:pk>/offline.json", offline.offline_data, name="offline_data"),
    path("rounds/<int:pk>/sync/", offline.offline_sync, name="offline_sync"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("lines/<int:pk>/work-order/", views.line_work_order, name="line_work_order"),
    path("lines/<int:pk>/problem/", views.line_problem, name="line_problem"),
    path("discrepancies/", views.discrepancy_list, name="discrepancy_list"),
    path("discrepancies/<int:pk>/decide/", views.discrepancy_decide, name="discrepancy_decide"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/do/<str:action>/", views.report_action, name="report_action"),
    path("reports/<int:pk>/report.pdf", views.report_pdf_view, name="report_pdf"),
    path("facilities/", views_facilities.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", views_facilities.facility_detail, name="facility_detail"),
    path(
        "facility-checks/<int:pk>/",
        views_facilities.facility_check_detail,
        name="facility_check_detail",
    ),
    path("backups/", views_facilities.backup_list, name="backup_list"),
    path("backups/<int:pk>/", views_facilities.backup_detail, name="backup_detail"),
    path("backups/<int:pk>/do/<str:action>/", views_facilities.backup_act, name="backup_act"),
]
