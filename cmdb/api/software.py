"""/api/software-products/, /api/software-licences/, /api/software-installations/,
/api/software-compliance/ and /api/responsible-breaches/: read by whoever may see them on
the pages, from the same selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated

from ..choices import ResponsibleBreach
from ..models import SoftwareInstallation, SoftwareLicence, SoftwareProduct
from ..permissions import sees_all_items, sees_licence_keys
from ..responsibility import responsible_breaches
from ..software import licence_list, software_compliance


class SoftwareProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = SoftwareProduct
        fields = ["id", "name", "publisher", "category", "requires_licence", "aliases"]


class SoftwareLicenceSerializer(serializers.ModelSerializer):
    used = serializers.IntegerField(read_only=True)
    licence_key = serializers.SerializerMethodField()

    class Meta:
        model = SoftwareLicence
        fields = [
            "id",
            "product",
            "reference",
            "licence_type",
            "seats",
            "used",
            "licence_key",
            "contract_number",
            "supplier",
            "purchased_on",
            "expires_on",
            "media_location",
            "manual_location",
        ]

    def get_licence_key(self, obj) -> str | None:
        """Only for who may edit licences; null for everyone else."""
        request = self.context.get("request")
        return obj.licence_key if request and sees_licence_keys(request.user) else None


class SoftwareInstallationSerializer(serializers.ModelSerializer):
    class Meta:
        model = SoftwareInstallation
        fields = [
            "id",
            "ci",
            "product",
            "version",
            "licence",
            "source",
            "reference",
            "first_seen",
            "last_seen",
        ]


class ComplianceSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="product.pk")
    product_name = serializers.CharField(source="product.name")
    installed = serializers.IntegerField()
    owned = serializers.IntegerField(allow_null=True, help_text="Seats owned; null: unlimited.")
    unlicensed = serializers.IntegerField()
    over_deployed = serializers.BooleanField()


class BreachSerializer(serializers.Serializer):
    ci = serializers.IntegerField(source="ci.pk")
    asset_tag = serializers.CharField(source="ci.asset_tag")
    kind = serializers.ChoiceField(choices=ResponsibleBreach.choices)
    responsible = serializers.IntegerField(source="ci.responsible_id", allow_null=True)
    expected = serializers.IntegerField(
        source="expected.pk", allow_null=True, default=None, help_text="By code order."
    )


class SoftwareProductViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = SoftwareProduct.objects.none()  # for the schema; rows come from restrict()
    serializer_class = SoftwareProductSerializer
    filterset_fields = ["category", "requires_licence"]
    search_fields = ["name", "aliases", "publisher"]

    def get_queryset(self):
        return SoftwareProduct.objects.restrict(self.request.user, "view").order_by("name")


class SoftwareLicenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Licences with `used` seats; the key only for who may edit licences."""

    queryset = SoftwareLicence.objects.none()
    serializer_class = SoftwareLicenceSerializer
    filterset_fields = ["product", "licence_type"]

    def get_queryset(self):
        return licence_list(user=self.request.user)


class SoftwareInstallationViewSet(viewsets.ReadOnlyModelViewSet):
    """Software per item: `?ci=` for one item's, `?product=` for one product's."""

    queryset = SoftwareInstallation.objects.none()
    serializer_class = SoftwareInstallationSerializer
    filterset_fields = ["ci", "product", "licence", "source"]

    def get_queryset(self):
        return SoftwareInstallation.objects.restrict(self.request.user, "view").order_by("pk")


class SoftwareComplianceViewSet(viewsets.GenericViewSet):
    """Seats owned against installations per product (over-deployed when more installed)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ComplianceSerializer
    filter_backends = []

    @extend_schema(
        summary="Licence compliance per product", responses=ComplianceSerializer(many=True)
    )
    def list(self, request):
        if not request.user.has_perm("cmdb.view_softwareproduct"):
            raise PermissionDenied
        rows = software_compliance(
            user=request.user, over_only=request.query_params.get("over") == "1"
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ResponsibleBreachViewSet(viewsets.GenericViewSet):
    """Assets breaking the responsible-person rule; `?kind=none|left|shared_order`."""

    permission_classes = [IsAuthenticated]
    serializer_class = BreachSerializer
    filter_backends = []

    @extend_schema(
        summary="Assets breaking the responsible-person rule", responses=BreachSerializer(many=True)
    )
    def list(self, request):
        if not sees_all_items(request.user):
            raise PermissionDenied
        kind = request.query_params.get("kind", "")
        rows = responsible_breaches(
            user=request.user, kind=kind if kind in ResponsibleBreach.values else ""
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
