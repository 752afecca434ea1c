from django.urls import path

from . import views

app_name = "servicedesk"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("people/", views.people, name="people"),
    path("calendar/", views.calendar, name="calendar"),
    path("notifications/", views.notifications, name="notifications"),
]
