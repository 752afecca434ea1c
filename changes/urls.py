from django.urls import path

from . import release_views, request_views, views

app_name = "changes"

urlpatterns = [
    path("", views.change_list, name="list"),
    path("new/", views.change_create, name="create"),
    path("calendar/", views.change_calendar, name="calendar"),
    path("log/", views.change_log, name="log"),
    # Requests from users and the desk (changes.requests), before the number patterns too.
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/<str:number>/", request_views.request_detail, name="request_detail"),
    # Releases before the change number patterns, which would take "releases" for a number.
    path("releases/", release_views.release_list, name="release_list"),
    path("releases/new/", release_views.release_create, name="release_create"),
    path("releases/<str:number>/", release_views.release_detail, name="release_detail"),
    path("releases/<str:number>/edit/", release_views.release_edit, name="release_edit"),
    path("releases/<str:number>/<slug:action>/", release_views.release_act, name="release_act"),
    path("<str:number>/", views.change_detail, name="detail"),
    path("<str:number>/edit/", views.change_edit, name="edit"),
    path("<str:number>/<slug:action>/", views.change_act, name="act"),
]
