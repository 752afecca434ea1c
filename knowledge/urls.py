from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views

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
    # Controlled documents moved to their own app (/documents/): old links redirect there.
    re_path(
        r"^documents/(?P<rest>.*)$",
        RedirectView.as_view(url="/documents/%(rest)s", permanent=True, query_string=True),
    ),
]
