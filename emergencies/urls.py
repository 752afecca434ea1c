from django.urls import path

from . import views

app_name = "emergencies"

urlpatterns = [
    path("", views.emergency_list, name="list"),
    path("declare/", views.emergency_declare, name="declare"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<str:number>/", views.report_detail, name="report"),
    path("reports/<str:number>/sign/", views.report_sign, name="report_sign"),
    path("reports/<str:number>/pdf/", views.report_pdf, name="report_pdf"),
    path("attach/<str:work_order>/", views.attach_from_work_order, name="attach"),
    path("resources/<int:pk>/<slug:action>/", views.resource_act, name="resource_act"),
    path("<str:number>/", views.emergency_detail, name="detail"),
    path("<str:number>/<slug:action>/", views.emergency_act, name="act"),
]
