from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .. import oncall, selectors
from ..models import (
    Building,
    CalendarDay,
    Department,
    Location,
    OnCallShift,
    Person,
    ServiceLevel,
)
from . import serializers


class ServiceLevelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = ServiceLevel.objects.order_by("-rank")
    serializer_class = serializers.ServiceLevelSerializer


class DepartmentViewSet(viewsets.ModelViewSet):
    queryset = Department.objects.order_by("code")
    serializer_class = serializers.DepartmentSerializer
    filterset_fields = ["parent", "is_active", "service_level"]
    search_fields = ["name", "code"]


class BuildingViewSet(viewsets.ModelViewSet):
    queryset = Building.objects.order_by("name")
    serializer_class = serializers.BuildingSerializer
    search_fields = ["name"]


class LocationViewSet(viewsets.ModelViewSet):
    queryset = Location.objects.select_related("building").order_by(
        "building__name", "floor", "room"
    )
    serializer_class = serializers.LocationSerializer
    filterset_fields = ["building", "floor"]


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People; `?q=` finds a caller by name, phone, employee number or department."""

    serializer_class = serializers.PersonSerializer
    queryset = Person.objects.none()  # for the schema; rows come from the selector
    filterset_fields = ["department", "service_level"]

    def get_queryset(self):
        return selectors.person_list(
            user=self.request.user, query=self.request.query_params.get("q", "")
        )

    @extend_schema(responses=serializers.PersonSerializer)
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def me(self, request):
        """The caller's own profile (any logged-in user)."""
        person = (
            Person.objects.select_related("department", "service_level")
            .filter(user=request.user)
            .first()
        )
        if person is None:
            return Response({"detail": "no profile"}, status=404)
        return Response(self.get_serializer(person).data)


class CalendarDayViewSet(viewsets.ModelViewSet):
    queryset = CalendarDay.objects.order_by("date")
    serializer_class = serializers.CalendarDaySerializer
    filterset_fields = ["kind", "source"]

    def perform_create(self, serializer):
        serializer.save(source="manual")

    def perform_update(self, serializer):
        serializer.save(source="manual")


class OnCallShiftViewSet(viewsets.ReadOnlyModelViewSet):
    """The on-call rota (staff); `?role=phone|on_site`, `?from=`/`?until=` (ISO instants)
    narrow it. `now/`: who is on call at this moment, and whether it is out of hours."""

    serializer_class = serializers.OnCallShiftSerializer
    queryset = OnCallShift.objects.none()  # for the schema; rows come from restrict()
    filterset_fields = ["role", "user"]

    def get_queryset(self):
        from django.utils.dateparse import parse_datetime

        rows = OnCallShift.objects.restrict(self.request.user, "view").select_related(
            "user__person"
        )
        start = parse_datetime(self.request.query_params.get("from", "") or "")
        end = parse_datetime(self.request.query_params.get("until", "") or "")
        if start is not None:
            rows = rows.filter(ends_at__gt=start)
        if end is not None:
            rows = rows.filter(starts_at__lt=end)
        return rows.order_by("starts_at", "pk")

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def now(self, request):
        current = oncall.on_call_now()

        def who(user):
            if user is None:
                return None
            person = getattr(user, "person", None)
            return {"user": user.pk, "name": person.name if person else user.get_username()}

        return Response(
            {
                "out_of_hours": current.out_of_hours,
                "phone": who(current.phone),
                "on_site": who(current.on_site),
            }
        )
