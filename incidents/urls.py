from django.urls import path

from . import complaint_views, history_views, views, views_fault_log, work_order_views
from .service_records import views as record_views

app_name = "incidents"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("intake/", views.intake, name="intake"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("home-panel/", views.home_panel, name="home_panel"),
    path("complaints/", views.complaints, name="complaints"),
    path(
        "complaints/statistics/",
        complaint_views.complaint_statistics,
        name="complaint_statistics",
    ),
    path("knowledge-pick/", work_order_views.knowledge_pick, name="knowledge_pick"),
    path("fault-log/", views_fault_log.fault_log_page, name="fault_log"),
    path("fault-log/<str:month>.csv", views_fault_log.fault_log_csv, name="fault_log_csv"),
    path("fault-log/<str:month>.pdf", views_fault_log.fault_log_pdf, name="fault_log_pdf"),
    path("<str:number>/fault-report/", views_fault_log.fault_report_page, name="fault_report"),
    path("service-records/", record_views.service_record_list, name="service_records"),
    path(
        "service-records/<str:number>/",
        record_views.service_record_detail,
        name="service_record",
    ),
    path(
        "service-records/<str:number>/act/<slug:step>/",
        record_views.service_record_act,
        name="service_record_act",
    ),
    path(
        "service-records/<str:number>/print/",
        record_views.service_record_print,
        name="service_record_print",
    ),
    path("history-import/", history_views.upload, name="history_import"),
    path("history-import/<int:pk>/", history_views.detail, name="history_import_detail"),
    path("<str:number>/", work_order_views.detail, name="detail"),
    path("<str:number>/act/<slug:action>/", work_order_views.act, name="act"),
    path(
        "<str:number>/attachments/<int:pk>/",
        work_order_views.attachment_download,
        name="attachment",
    ),
]
