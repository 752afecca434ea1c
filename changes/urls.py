from django.urls import path

from . import views

app_name = "changes"

urlpatterns = [
    path("", views.change_list, name="list"),
    path("new/", views.change_create, name="create"),
    path("calendar/", views.change_calendar, name="calendar"),
    path("log/", views.change_log, name="log"),
    path("<str:number>/", views.change_detail, name="detail"),
    path("<str:number>/edit/", views.change_edit, name="edit"),
    path("<str:number>/<slug:action>/", views.change_act, name="act"),
]
