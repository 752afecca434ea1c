from django.urls import path

from . import views
from .views import census, imports, lifecycle, more, outages

app_name = "cmdb"

urlpatterns = [
    path("", views.ci_list, name="ci_list"),
    path("more/", more.hub, name="cmdb_home"),
    path("scan/", views.scan, name="scan"),
    path("labels.pdf", views.ci_labels, name="ci_labels"),
    path("export/", views.ci_export, name="ci_export"),
    path("items/<int:pk>/", views.ci_detail, name="ci_detail"),
    path("items/<int:pk>/edit/", views.ci_edit, name="ci_edit"),
    path("items/<int:pk>/impact/", views.ci_impact, name="ci_impact"),
    path("items/<int:pk>/label.pdf", views.ci_label, name="ci_label"),
    path("items/<int:pk>/label/", views.ci_label_preview, name="ci_label_preview"),
    path("items/<int:pk>/barcode.svg", views.ci_barcode, name="ci_barcode"),
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("census/", census.census_list, name="census_list"),
    path("census/<int:pk>/", census.census_detail, name="census_detail"),
    path(
        "census/<int:pk>/do/<str:action>/",
        census.census_transition,
        name="census_transition",
    ),
    path("census/<int:pk>/scan/", census.census_scan, name="census_scan"),
    path("census/<int:pk>/review/", census.census_review, name="census_review"),
    path("census/<int:pk>/report/", census.census_report, name="census_report"),
    path("census/<int:pk>/report.pdf", census.census_report_pdf, name="census_report_pdf"),
    path("census/<int:pk>/assets.xlsx", census.census_assets_xlsx, name="census_assets_xlsx"),
    path("warranty/", more.warranty_list, name="warranty_list"),
    path("spares/", more.spare_stock, name="spare_stock"),
    path("spares/<int:pk>/restock/", more.spare_restock, name="spare_restock"),
    path("spares/requisitions/", more.requisition_list, name="requisition_list"),
    path("spares/requisitions/<int:pk>/", more.requisition_detail, name="requisition_detail"),
    path(
        "spares/requisitions/<int:pk>/do/<str:action>/",
        more.requisition_transition,
        name="requisition_transition",
    ),
    path("spares/loans/", more.loan_list, name="loan_list"),
    path("spares/loans/<int:pk>/return/", more.loan_return, name="loan_return"),
    path("baselines/", more.baseline_list, name="baseline_list"),
    path("baselines/<int:pk>/", more.baseline_detail, name="baseline_detail"),
    path("baselines/monthly/", more.monthly_summary, name="monthly_summary"),
    path("ageing/", lifecycle.ageing_list, name="ageing_list"),
    path("ageing/<int:pk>/<str:action>/", lifecycle.ageing_mark, name="ageing_mark"),
    path("spares/demand/", lifecycle.spare_demand_view, name="spare_demand"),
    path("tools/", lifecycle.tool_list, name="tool_list"),
    path("tools/<int:pk>/take-out/", lifecycle.tool_take_out, name="tool_take_out"),
    path("outages/", outages.outage_list, name="outage_list"),
    path("outages/new/", outages.outage_create, name="outage_create"),
    path("outages/<int:pk>/", outages.outage_detail, name="outage_detail"),
    path("outages/<int:pk>/close/", outages.outage_close, name="outage_close"),
]
