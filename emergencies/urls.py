from django.urls import path

from . import views, views_facilities

app_name = "emergencies"

urlpatterns = [
    path("", views.emergency_list, name="list"),
    path("declare/", views.emergency_declare, name="declare"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<str:number>/", views.report_detail, name="report"),
    path("reports/<str:number>/sign/", views.report_sign, name="report_sign"),
    path("reports/<str:number>/pdf/", views.report_pdf, name="report_pdf"),
    path("drills/", views_facilities.drill_list, name="drills"),
    path("drills/<str:number>/", views_facilities.drill_detail, name="drill"),
    path(
        "facility-incidents/",
        views_facilities.facility_incident_list,
        name="facility_incidents",
    ),
    path(
        "facility-incidents/new/",
        views_facilities.facility_incident_form,
        name="facility_incident_create",
    ),
    path(
        "facility-incidents/<str:number>/",
        views_facilities.facility_incident_detail,
        name="facility_incident",
    ),
    path(
        "facility-incidents/<str:number>/edit/",
        views_facilities.facility_incident_form,
        name="facility_incident_edit",
    ),
    path(
        "facility-incidents/<str:number>/<slug:action>/",
        views_facilities.facility_incident_act,
        name="facility_incident_act",
    ),
    path("attach/<str:work_order>/", views.attach_from_work_order, name="attach"),
    path("resources/<int:pk>/<slug:action>/", views.resource_act, name="resource_act"),
    path("<str:number>/", views.emergency_detail, name="detail"),
    path("<str:number>/<slug:action>/", views.emergency_act, name="act"),
]
