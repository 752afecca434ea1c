from . import views


def register(router):
    router.register("service-levels", views.ServiceLevelViewSet, basename="service-level")
    router.register("departments", views.DepartmentViewSet, basename="department")
    router.register("buildings", views.BuildingViewSet, basename="building")
    router.register("locations", views.LocationViewSet, basename="location")
    router.register("people", views.PersonViewSet, basename="person")
    router.register("calendar-days", views.CalendarDayViewSet, basename="calendar-day")
    router.register("on-call-shifts", views.OnCallShiftViewSet, basename="on-call-shift")
