from . import views


def register(router):
    router.register("emergencies", views.EmergencyViewSet, basename="emergency")
    router.register(
        "emergency-resource-requests", views.ResourceRequestViewSet, basename="emergency-resource"
    )
    router.register("emergency-drills", views.DrillViewSet, basename="emergency-drill")
    router.register(
        "facility-incidents", views.FacilityIncidentViewSet, basename="facility-incident"
    )
