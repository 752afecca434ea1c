from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from .. import selectors, services
from ..models import CIClass, CIRelationship, ConfigurationItem, Supplier
from . import serializers


def _as_drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class CIClassViewSet(viewsets.ModelViewSet):
    queryset = CIClass.objects.order_by("name")
    serializer_class = serializers.CIClassSerializer
    search_fields = ["code", "name"]


class SupplierViewSet(viewsets.ModelViewSet):
    queryset = Supplier.objects.order_by("name")
    serializer_class = serializers.SupplierSerializer
    search_fields = ["name", "contact_name", "contact_phone"]


class ConfigurationItemViewSet(viewsets.ModelViewSet):
    """Configuration items the caller may see; `?q=` searches tag, name, serials and IP."""

    serializer_class = serializers.ConfigurationItemSerializer
    queryset = ConfigurationItem.objects.none()  # for the schema; rows come from the selector
    filterset_fields = [
        "ci_class",
        "status",
        "department",
        "location",
        "responsible",
        "parent",
        "seal_status",
        "supplier",
    ]
    ordering_fields = ["asset_tag", "name", "warranty_end", "updated_at"]

    def get_queryset(self):
        return (
            selectors.ci_list(
                user=self.request.user,
                query=self.request.query_params.get("q", ""),
                warranty=self.request.query_params.get("warranty", ""),
            )
            .select_related(
                "service_level",
                "responsible__person__service_level",
                "responsible__person__department__service_level",
            )
            .prefetch_related("users")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        users = data.pop("users", None)
        try:
            serializer.instance = services.ci_create(users=users, **data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        users = data.pop("users", None)
        try:
            services.ci_update(ci=serializer.instance, users=users, **data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def destroy(self, request, *args, **kwargs):
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError:
            return Response(
                {"detail": "Accessories still belong to this item; move or delete them first."},
                status=status.HTTP_409_CONFLICT,
            )

    @extend_schema(responses=serializers.ImpactSerializer)
    @action(detail=True, methods=["get"])
    def impact(self, request, pk=None):
        """What depends on this item, transitively; affected users VIP first."""
        if not selectors.sees_all_items(request.user):
            raise PermissionDenied
        impact = services.ci_impact(ci=self.get_object())
        return Response(serializers.ImpactSerializer.from_impact(impact))


class CIRelationshipViewSet(viewsets.ModelViewSet):
    """Typed links "source <type> target"; see cmdb.choices for the impact direction."""

    serializer_class = serializers.CIRelationshipSerializer
    queryset = CIRelationship.objects.select_related("source", "target").order_by("pk")
    filterset_fields = ["source", "target", "type"]

    def perform_create(self, serializer):
        try:
            serializer.instance = services.relationship_create(**serializer.validated_data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    def perform_update(self, serializer):
        relationship = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(relationship, name, value)
        try:
            relationship.full_clean()
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        relationship.save()
