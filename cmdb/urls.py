from django.urls import path

from . import views

app_name = "cmdb"

urlpatterns = [
    path("", views.ci_list, name="ci_list"),
    path("scan/", views.scan, name="scan"),
    path("labels.pdf", views.ci_labels, name="ci_labels"),
    path("items/<int:pk>/", views.ci_detail, name="ci_detail"),
    path("items/<int:pk>/impact/", views.ci_impact, name="ci_impact"),
    path("items/<int:pk>/label.pdf", views.ci_label, name="ci_label"),
]
