"""API of an asset's later life: /api/replacement-candidates/, /api/spare-demand/ and
/api/site-tools/, with the pages' permissions and rules."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from .. import ageing, selectors
from ..models import SiteTool
from ..permissions import replacement_refusal
from ..services import lifecycle
from ..spare_demand import DEFAULT_MONTHS, MAX_MONTHS, spare_demand


def _candidate(row) -> dict:
    item, proposal = row.item, row.proposal
    return {
        "id": item.pk,
        "asset_tag": item.asset_tag,
        "name": item.name,
        "ci_class": item.ci_class.code,
        "purchased_on": item.purchased_on,
        "age_years": row.age,
        "faults": row.faults,
        "fault_months": row.fault_months,
        "last_fault": row.last_fault,
        "warranty_status": item.warranty_status,
        "too_old": row.too_old,
        "many_faults": row.many_faults,
        "replacement_proposed_at": proposal.created_at if proposal else None,
    }


class ReplacementCandidateViewSet(viewsets.ViewSet):
    """Devices due for replacement today by the ageing rules (`?reason=age|faults`,
    `?ci_class=<code>`, `?proposed=yes|no`), most faults first."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("reason", OpenApiTypes.STR),
            OpenApiParameter("ci_class", OpenApiTypes.STR),
            OpenApiParameter("proposed", OpenApiTypes.STR),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        refusal = replacement_refusal(request.user, None, "view")
        if refusal:
            raise PermissionDenied(refusal)
        params = request.query_params
        rows = ageing.candidates(
            reason=params.get("reason", "") if params.get("reason") in ("age", "faults") else "",
            ci_class=params.get("ci_class", ""),
            proposed={"yes": True, "no": False}.get(params.get("proposed", "")),
        )
        page = self.paginator.paginate_queryset(rows, request, view=self)
        return self.paginator.get_paginated_response([_candidate(row) for row in page])

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            from rest_framework.settings import api_settings

            self._paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        return self._paginator


class SpareDemandViewSet(viewsets.ViewSet):
    """Per part: units issued in each of the last `?months=` months (default 3), stock,
    minimum and the suggested order."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("months", OpenApiTypes.INT)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        if not request.user.has_perm("cmdb.view_stock"):
            raise PermissionDenied
        value = request.query_params.get("months", "")
        months = max(1, min(int(value), MAX_MONTHS)) if value.isdecimal() else DEFAULT_MONTHS
        demand = spare_demand(months=months)
        return Response(
            {
                "months": [d.strftime("%Y-%m") for d in demand.months],
                "parts": [
                    {
                        "part_type": row.part.pk,
                        "name": str(row.part),
                        "unit": row.part.unit,
                        "issued": row.monthly,
                        "average": row.average,
                        "stock": row.stock,
                        "minimum": row.minimum,
                        "below_minimum": row.below_minimum,
                        "suggested_order": row.suggested,
                    }
                    for row in demand.rows
                ],
            }
        )


class SiteToolSerializer(serializers.ModelSerializer):
    on_site = serializers.BooleanField(read_only=True)

    class Meta:
        model = SiteTool
        fields = [
            "id", "name", "serial_number", "stores_data", "owner", "owner_company", "location",
            "brought_in_on", "taken_out_on", "check_in", "check_out", "on_site",
        ]  # fmt: skip
        read_only_fields = ["taken_out_on", "check_out"]
        extra_kwargs = {"brought_in_on": {"required": False}}


class TakeOutSerializer(serializers.Serializer):
    taken_out_on = serializers.DateField(required=False)
    check_out = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SiteToolViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Tools brought on site (`?all=1`: also those taken out); register one; `take-out`."""

    serializer_class = SiteToolSerializer
    queryset = SiteTool.objects.none()  # for the schema; rows come from the selector

    def get_queryset(self):
        on_site_only = self.action == "list" and self.request.query_params.get("all") != "1"
        return selectors.tool_list(user=self.request.user, on_site_only=on_site_only)

    def perform_create(self, serializer):
        serializer.instance = lifecycle.tool_register(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=TakeOutSerializer, responses=SiteToolSerializer)
    @action(detail=True, methods=["post"], url_path="take-out", permission_classes=[ActOnVisible])
    def take_out(self, request, pk=None):
        data = TakeOutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tool = lifecycle.tool_take_out(
            actor=request.user,
            tool=self.get_object(),
            taken_out_on=data.validated_data.get("taken_out_on") or timezone.localdate(),
            check_out=data.validated_data.get("check_out", ""),
        )
        return Response(SiteToolSerializer(tool).data)
