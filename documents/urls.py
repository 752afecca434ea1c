"""Pages of the controlled documents, served at /documents/ (the old /knowledge/documents/
addresses redirect here permanently; see knowledge/urls.py)."""

from django.urls import path

from . import handin_views, library_views, views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("new/", views.document_register, name="document_register"),
    path("backups/", views.backup_list, name="document_backups"),
    path("library/", library_views.library_list, name="library_list"),
    path("library/new/", library_views.library_create, name="library_create"),
    path("library/<int:pk>/", library_views.library_detail, name="library_detail"),
    path("library/<int:pk>/edit/", library_views.library_edit, name="library_edit"),
    path("library/<int:pk>/download/", library_views.library_download, name="library_download"),
    path("handins/", handin_views.due_list, name="handin_list"),
    path(
        "handins/duty/<int:duty>/<str:period>/",
        handin_views.hand_in,
        name="handin_submit",
    ),
    path("handins/<int:pk>/", handin_views.handin_detail, name="handin_detail"),
    path("handins/<int:pk>/file/", handin_views.handin_file, name="handin_file"),
    path("handins/<int:pk>/<slug:action>/", handin_views.handin_review, name="handin_review"),
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
