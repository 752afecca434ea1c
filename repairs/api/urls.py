from . import views


def register(router):
    router.register("vendors", views.VendorViewSet, basename="vendor")
    router.register("repair-orders", views.RepairOrderViewSet, basename="repair-order")
    router.register("vendor-orders", views.VendorOrderViewSet, basename="vendor-order")
    router.register(
        "vendor-nonconformances", views.NonconformanceViewSet, basename="vendor-nonconformance"
    )
