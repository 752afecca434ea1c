from rest_framework import serializers

from ..models import (
    Building,
    CalendarDay,
    Department,
    Location,
    OnCallShift,
    Person,
    ServiceLevel,
)
from ..roles import contact_data_visible


class ServiceLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceLevel
        fields = [
            "id",
            "code",
            "name",
            "rank",
            "response_minutes",
            "resolution_minutes",
            "is_default",
        ]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent", "service_level", "is_active"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "name", "address"]


class LocationSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Location
        fields = ["id", "building", "floor", "room", "description", "label"]


class PersonSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    effective_service_level = serializers.SerializerMethodField(
        help_text="Code of the level that applies: own, else the department's, else the default."
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "username",
            "name",
            "email",
            "phone",
            "mobile",
            "employee_number",
            "department",
            "location",
            "service_level",
            "effective_service_level",
            "approval_body",
            "service_notes",
        ]
        read_only_fields = ["approval_body"]

    def get_effective_service_level(self, person) -> str | None:
        level = person.effective_service_level()
        return level.code if level else None

    # Contact data (phone, mobile, e-mail) is for the people who answer and visit: the
    # desk, engineers, supervisors, managers and admins. Approvers decide on documents and
    # changes and see who is who, not how to reach everyone; anyone sees their own.
    CONTACT_FIELDS = ("email", "phone", "mobile")

    def to_representation(self, person):
        data = super().to_representation(person)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and person.user_id != user.pk and not contact_data_visible(user):
            for name in self.CONTACT_FIELDS:
                data[name] = None
        # Service notes are the desk's working notes about a person (§4.3.2): for those
        # who serve them, not for the person or approvers.
        if user is None or not contact_data_visible(user):
            data["service_notes"] = None
        return data


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name", "source"]
        read_only_fields = ["source"]


class OnCallShiftSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = OnCallShift
        fields = ["id", "user", "name", "role", "starts_at", "ends_at", "note"]

    def get_name(self, shift) -> str:
        person = getattr(shift.user, "person", None)
        return person.name if person else shift.user.get_username()
