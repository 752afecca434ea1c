from . import views


def register(router):
    router.register("cis", views.ConfigurationItemViewSet, basename="ci")
    router.register("ci-relationships", views.CIRelationshipViewSet, basename="ci-relationship")
    router.register("ci-classes", views.CIClassViewSet, basename="ci-class")
    router.register("suppliers", views.SupplierViewSet, basename="supplier")
