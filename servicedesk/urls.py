from django.urls import path

from . import calendar_views, oncall_views, views

app_name = "servicedesk"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/email/<str:token>/", views.email_verify, name="email-verify"),
    path("people/", views.people, name="people"),
    path("people/pick/", views.person_pick, name="person_pick"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/notice/", calendar_views.calendar_notice, name="calendar-notice"),
    path("on-call/", oncall_views.rota, name="oncall"),
    path("on-call/<int:pk>/delete/", oncall_views.shift_delete, name="oncall-delete"),
    path("notifications/", views.notifications, name="notifications"),
]
