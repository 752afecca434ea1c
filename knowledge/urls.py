from django.urls import path

from . import views
from .documents import views as documents

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("records/", views.record_list, name="list"),
    path("records/new/", views.record_create, name="create"),
    path(
        "from-work-order/<str:number>/",
        views.record_from_work_order,
        name="from_work_order",
    ),
    path("records/<str:number>/", views.detail, name="detail"),
    path("records/<str:number>/edit/", views.record_edit, name="edit"),
    path("records/<str:number>/feedback/", views.feedback, name="feedback"),
    path("records/<str:number>/merge/", views.merge, name="merge"),
    path("records/<str:number>/act/<slug:action>/", views.act, name="act"),
    # Controlled documents (文档管理)
    path("documents/", documents.document_list, name="document_list"),
    path("documents/new/", documents.document_register, name="document_register"),
    path("documents/backups/", documents.backup_list, name="document_backups"),
    path("documents/backups/new/", documents.backup_create, name="document_backup_create"),
    path(
        "documents/backups/<str:number>/verify/",
        documents.backup_verify,
        name="document_backup_verify",
    ),
    path(
        "documents/changes/<str:number>/file/",
        documents.application_file,
        name="document_change_file",
    ),
    path(
        "documents/changes/<str:number>/result/",
        documents.change_result,
        name="document_change_result",
    ),
    path(
        "documents/applications/<slug:kind>/<str:number>/<slug:action>/",
        documents.application_act,
        name="document_application_act",
    ),
    path("documents/<str:number>/", documents.document_detail, name="document_detail"),
    path("documents/<str:number>/edit/", documents.document_edit, name="document_edit"),
    path("documents/<str:number>/release/", documents.document_release, name="document_release"),
    path(
        "documents/<str:number>/release/reject/",
        documents.document_release,
        {"action": "reject"},
        name="document_release_reject",
    ),
    path(
        "documents/<str:number>/release/resubmit/",
        documents.document_release,
        {"action": "resubmit"},
        name="document_release_resubmit",
    ),
    path("documents/<str:number>/check/", documents.document_check, name="document_check"),
    path(
        "documents/<str:number>/apply/<slug:kind>/",
        documents.application_create,
        name="document_apply",
    ),
    path(
        "documents/<str:number>/versions/<int:pk>/download/",
        documents.version_download,
        name="document_version_download",
    ),
]
