from django.urls import path

from . import history_views, views

app_name = "incidents"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("report/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("intake/", views.intake, name="intake"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("home-panel/", views.home_panel, name="home_panel"),
    path("complaints/", views.complaints, name="complaints"),
    path("knowledge-pick/", views.knowledge_pick, name="knowledge_pick"),
    path("history-import/", history_views.upload, name="history_import"),
    path("history-import/<int:pk>/", history_views.detail, name="history_import_detail"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<slug:action>/", views.act, name="act"),
    path(
        "<str:number>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
