from . import lifecycle, outages, software, views


def register(router):
    router.register("cis", views.ConfigurationItemViewSet, basename="ci")
    router.register("ci-relationships", views.CIRelationshipViewSet, basename="ci-relationship")
    router.register("ci-classes", views.CIClassViewSet, basename="ci-class")
    router.register("suppliers", views.SupplierViewSet, basename="supplier")
    router.register("spare-parts", views.PartTypeViewSet, basename="spare-part")
    router.register("spare-stock", views.StockViewSet, basename="spare-stock")
    router.register("spare-requisitions", views.RequisitionViewSet, basename="spare-requisition")
    router.register("census-campaigns", views.CensusCampaignViewSet, basename="census-campaign")
    router.register("baselines", views.BaselineViewSet, basename="baseline")
    router.register("service-outages", outages.ServiceOutageViewSet, basename="service-outage")
    router.register(
        "software-products", software.SoftwareProductViewSet, basename="software-product"
    )
    router.register(
        "software-licences", software.SoftwareLicenceViewSet, basename="software-licence"
    )
    router.register(
        "software-installations",
        software.SoftwareInstallationViewSet,
        basename="software-installation",
    )
    router.register(
        "software-compliance", software.SoftwareComplianceViewSet, basename="software-compliance"
    )
    router.register(
        "responsible-breaches", software.ResponsibleBreachViewSet, basename="responsible-breach"
    )
    router.register(
        "replacement-candidates",
        lifecycle.ReplacementCandidateViewSet,
        basename="replacement-candidate",
    )
    router.register("spare-demand", lifecycle.SpareDemandViewSet, basename="spare-demand")
    router.register("site-tools", lifecycle.SiteToolViewSet, basename="site-tool")
