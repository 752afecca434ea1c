from django.db.models import ProtectedError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from .. import selectors, services
from ..models import (
    Baseline,
    CensusCampaign,
    CIClass,
    CIRelationship,
    ConfigurationItem,
    PartType,
    Requisition,
    Stock,
    Supplier,
)
from ..services import spares
from . import serializers


class CIClassViewSet(viewsets.ModelViewSet):
    queryset = CIClass.objects.order_by("name")
    serializer_class = serializers.CIClassSerializer
    search_fields = ["code", "name"]


class SupplierViewSet(viewsets.ModelViewSet):
    queryset = Supplier.objects.order_by("name")
    serializer_class = serializers.SupplierSerializer
    search_fields = ["name", "contact_name", "contact_phone"]


class ConfigurationItemViewSet(ServiceRefusalsMixin, viewsets.ModelViewSet):
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
        serializer.instance = services.ci_create(actor=self.request.user, users=users, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        users = data.pop("users", None)
        services.ci_update(actor=self.request.user, ci=serializer.instance, users=users, **data)

    def perform_destroy(self, instance):
        services.ci_delete(actor=self.request.user, ci=instance)

    def destroy(self, request, *args, **kwargs):
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError:
            return Response(
                {"detail": "Accessories still belong to this item; move or delete them first."},
                status=status.HTTP_409_CONFLICT,
            )

    @extend_schema(
        parameters=[serializers.ImpactQuerySerializer],
        responses=serializers.ImpactSerializer,
    )
    @action(detail=True, methods=["get"])
    def impact(self, request, pk=None):
        """What depends on this item, transitively; affected users VIP first.

        Complete counts; the items (nearest first) and users (VIP first) come a page at
        a time: `?limit=` (default 500, at most 5000) and `?offset=`; read on with
        `next_offset` while `items_truncated` or `users_truncated`.
        """
        if not selectors.sees_all_items(request.user):
            raise PermissionDenied
        query = serializers.ImpactQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        impact = services.ci_impact(ci=self.get_object())
        return Response(serializers.ImpactSerializer.from_impact(impact, **query.validated_data))


class CIRelationshipViewSet(ServiceRefusalsMixin, viewsets.ModelViewSet):
    """Typed links "source <type> target" between items the caller sees; see cmdb.choices
    for the impact direction."""

    serializer_class = serializers.CIRelationshipSerializer
    queryset = CIRelationship.objects.none()  # for the schema; rows come from restrict()
    filterset_fields = ["source", "target", "type"]

    def get_queryset(self):
        return (
            CIRelationship.objects.restrict(self.request.user, "view")
            .select_related("source", "target")
            .order_by("pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.relationship_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.relationship_update(
            actor=self.request.user, relationship=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.relationship_delete(actor=self.request.user, relationship=instance)


class PartTypeViewSet(viewsets.ModelViewSet):
    """Kinds of spare parts (备件)."""

    queryset = PartType.objects.order_by("name", "model")
    serializer_class = serializers.PartTypeSerializer
    search_fields = ["name", "model"]


class StockViewSet(viewsets.ModelViewSet):
    """Spare stock per location; `quantity` changes only through requisitions and restocks."""

    queryset = Stock.objects.none()  # for the schema; rows come from restrict()
    serializer_class = serializers.StockSerializer
    filterset_fields = ["part_type", "location"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.stock_list(user=self.request.user).order_by("pk")


class RequisitionViewSet(
    ServiceRefusalsMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Spare requisitions (备件领用单); created through the service (work order checked)."""

    serializer_class = serializers.RequisitionSerializer
    queryset = Requisition.objects.none()
    filterset_fields = ["status", "work_order_number", "stock"]

    def get_queryset(self):
        return selectors.requisition_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = spares.requisition_create(
            actor=self.request.user, **serializer.validated_data
        )

    def _step(self, request, service, *, with_note: bool = False):
        step = serializers.RequisitionStepSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        extra = {"note": step.validated_data["note"]} if with_note else {}
        requisition = service(
            requisition=self.get_object(),
            actor=request.user,
            lock_version=step.validated_data["lock_version"],
            **extra,
        )
        return Response(serializers.RequisitionSerializer(requisition).data)

    # One endpoint per step; the service decides who may (403) and when (409).
    _STEP = {
        "request": serializers.RequisitionStepSerializer,
        "responses": serializers.RequisitionSerializer,
    }

    @extend_schema(**_STEP, summary="Approve a requested requisition (service supervisor).")
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def approve(self, request, pk=None):
        return self._step(request, spares.requisition_approve)

    @extend_schema(**_STEP, summary="Reject a requested requisition (service supervisor).")
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def reject(self, request, pk=None):
        return self._step(request, spares.requisition_reject, with_note=True)

    @extend_schema(**_STEP, summary="Issue the parts of an approved requisition.")
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def issue(self, request, pk=None):
        return self._step(request, spares.requisition_issue)

    @extend_schema(**_STEP, summary="The issued parts went into the repair.")
    @action(detail=True, methods=["post"], permission_classes=[ActOnVisible])
    def consume(self, request, pk=None):
        return self._step(request, spares.requisition_consume, with_note=True)

    @extend_schema(**_STEP, summary="The issued parts came back into stock.")
    @action(detail=True, methods=["post"], url_path="return", permission_classes=[ActOnVisible])
    def return_to_stock(self, request, pk=None):
        return self._step(request, spares.requisition_return, with_note=True)


class CensusCampaignViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = CensusCampaign.objects.none()  # for the schema; rows come from restrict()
    serializer_class = serializers.CensusCampaignSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            CensusCampaign.objects.restrict(self.request.user, "view")
            .prefetch_related("departments", "locations")
            .order_by("-pk")
        )


class BaselineViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Baseline.objects.none()  # for the schema; rows come from restrict()
    serializer_class = serializers.BaselineSerializer
    filterset_fields = ["department", "ci_class"]

    def get_queryset(self):
        return selectors.baseline_list(user=self.request.user).order_by("-taken_at")
