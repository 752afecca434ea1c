"""Pages of the controlled documents, served at /documents/ (the old /knowledge/documents/
addresses redirect here permanently; see knowledge/urls.py)."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_register, name="document_register"),
    path("backups/", views.backup_list, name="document_backups"),
    path("backups/new/", views.backup_create, name="document_backup_create"),
    path(
        "backups/<str:number>/verify/",
        views.backup_verify,
        name="document_backup_verify",
    ),
    path(
        "changes/<str:number>/file/",
        views.application_file,
        name="document_change_file",
    ),
    path(
        "changes/<str:number>/result/",
        views.change_result,
        name="document_change_result",
    ),
    path(
        "applications/<slug:kind>/<str:number>/<slug:action>/",
        views.application_act,
        name="document_application_act",
    ),
    path("<str:number>/", views.document_detail, name="document_detail"),
    path("<str:number>/edit/", views.document_edit, name="document_edit"),
    path("<str:number>/release/", views.document_release, name="document_release"),
    path(
        "<str:number>/release/reject/",
        views.document_release,
        {"action": "reject"},
        name="document_release_reject",
    ),
    path(
        "<str:number>/release/resubmit/",
        views.document_release,
        {"action": "resubmit"},
        name="document_release_resubmit",
    ),
    path("<str:number>/check/", views.document_check, name="document_check"),
    path(
        "<str:number>/apply/<slug:kind>/",
        views.application_create,
        name="document_apply",
    ),
    path(
        "<str:number>/versions/<int:pk>/download/",
        views.version_download,
        name="document_version_download",
    ),
]
