from . import views


def register(router):
    router.register("av-endpoints", views.EndpointViewSet, basename="av-endpoint")
    router.register("av-events", views.VirusEventViewSet, basename="av-event")
    router.register("av-imports", views.ConsoleImportViewSet, basename="av-import")
    router.register("network-segments", views.NetworkSegmentViewSet, basename="network-segment")
