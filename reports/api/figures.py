"""/api/quarter-targets/?year=2027: quarterly targets against actuals (the page's numbers),
the dashboard's permission. Registered by reports/api/urls.py (`register_figures`)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ..dashboard import dashboard_refusal
from ..figures_views import chosen_year
from ..quarter_targets import quarter_overview


def _refuse(request) -> None:
    refusal = dashboard_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)


def _year(request) -> int:
    year, problem = chosen_year(request.query_params.get("year"), today=timezone.localdate())
    if problem:
        raise ValidationError({"year": [problem]})
    return year


class QuarterTargetsViewSet(viewsets.ViewSet):
    """The quarters of a year (`?year=2027`, default this year) that have begun, each with
    the targets in force and the actual values. Rates are ratios, restore time business
    minutes; `met` is null where there is no target or nothing to judge."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Quarterly service targets against actuals",
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="default: this year")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        _refuse(request)
        year = _year(request)
        return Response(
            {
                "year": year,
                "quarters": [
                    {
                        "quarter": line.period.slug,
                        "preliminary": line.preliminary,
                        "own_targets": line.own_set is not None,
                        "figures": [
                            {
                                "key": cell.key,
                                "label": _(cell.label),
                                "unit": cell.unit,
                                "target": {
                                    "op": cell.target.op,
                                    "value": cell.target.value,
                                    "upper": cell.target.upper,
                                    "source": cell.target.source,
                                }
                                if cell.target
                                else None,
                                "actual": cell.actual,
                                "count": cell.count,
                                "base": cell.base,
                                "met": cell.met,
                                "url": cell.url,
                            }
                            for cell in line.cells
                        ],
                    }
                    for line in quarter_overview(year=year)
                ],
            }
        )


class DepartmentCostsViewSet(viewsets.ViewSet):
    """Costs per department and cost kind for `?start=2026-11-01&end=2026-11-30` (both
    included; default this month so far), in yuan, with the kinds' totals. `department`
    null: costs charged to no department."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Costs per department and kind",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        from ..department_costs import KIND_KEYS, department_costs
        from ..figures_views import chosen_days, yuan

        _refuse(request)
        first, last, problem = chosen_days(request._request, today=timezone.localdate())
        if problem:
            raise ValidationError({"period": [problem]})
        costs = department_costs(starts_on=first, ends_on=last)
        return Response(
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "kinds": list(KIND_KEYS),
                "departments": [
                    {
                        "department": row.department_id or None,
                        "name": row.name,
                        "costs": {kind: yuan(row.amount(kind)) for kind in KIND_KEYS},
                        "total": yuan(row.total),
                    }
                    for row in costs.rows
                ],
                "totals": {kind: yuan(costs.totals[kind]) for kind in KIND_KEYS},
                "total": yuan(costs.total),
            }
        )


def register_figures(router) -> None:
    router.register("quarter-targets", QuarterTargetsViewSet, basename="quarter-targets")
    router.register("department-costs", DepartmentCostsViewSet, basename="department-costs")
