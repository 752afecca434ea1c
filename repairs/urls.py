from django.urls import path

from . import views

app_name = "repairs"

urlpatterns = [
    path("", views.repair_list, name="repair_list"),
    path("new/", views.repair_create, name="repair_create"),
    path("<int:pk>/", views.repair_detail, name="repair_detail"),
    path("<int:pk>/gate-pass.pdf", views.repair_gate_pass, name="repair_gate_pass"),
    path("<int:pk>/<slug:action>/", views.repair_action, name="repair_action"),
    path("parts/<int:pk>/<slug:action>/", views.part_action, name="part_action"),
    path("vendor-orders/", views.vendor_order_list, name="vendor_order_list"),
    path("vendor-orders/new/", views.vendor_order_create, name="vendor_order_create"),
    path("vendor-orders/<int:pk>/", views.vendor_order_detail, name="vendor_order_detail"),
    path("vendor-orders/<int:pk>/edit/", views.vendor_order_edit, name="vendor_order_edit"),
    path("vendor-orders/<int:pk>/order.pdf", views.vendor_order_pdf_view, name="vendor_order_pdf"),
    path(
        "vendor-orders/<int:pk>/<slug:action>/",
        views.vendor_order_action,
        name="vendor_order_action",
    ),
    path("vendors/", views.vendor_list, name="vendor_list"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("nonconformances/", views.nonconformance_list, name="nonconformance_list"),
    path("blacklist/", views.blacklist_view, name="blacklist"),
    path("blacklist/apply/", views.application_create, name="application_create"),
    path("blacklist/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "blacklist/applications/<int:pk>/<slug:action>/",
        views.application_action,
        name="application_action",
    ),
]
