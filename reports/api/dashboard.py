"""/api/report-figures/?month=2026-09: the dashboard's numbers as JSON, same permission.

Registered by reports/api/urls.py (`register_dashboard(router)`)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ..dashboard import Cell, Line, dashboard, dashboard_refusal, target_text
from ..dashboard_views import chosen_month


def _cell(cell: Cell) -> dict:
    return {
        "key": cell.key,
        "value": cell.value,
        "count": cell.count,
        "base": cell.base,
        "url": cell.url,
        "base_url": cell.base_url,
        "target": target_text(cell.target) or None,
        "met": cell.met,
    }


def _line(line: Line) -> dict:
    label = _(line.label) if line.translate else line.label
    return {"label": label, "figures": [_cell(c) for c in line.cells]}


class ReportFiguresViewSet(viewsets.ViewSet):
    """The commitments against the actuals of a month (`?month=2026-09`, default this
    month), the twelve months before it, per service level and per department. Rates are
    ratios (0.973 = 97.3 %); every count names the URL of its records."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="The dashboard's figures of a month",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (default: this month)")
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        refusal = dashboard_refusal(request.user)
        if refusal:
            raise PermissionDenied(refusal)
        month, problem = chosen_month(request.query_params.get("month"), today=timezone.localdate())
        if problem:
            raise ValidationError({"month": [problem]})
        board = dashboard(month=month)
        return Response(
            {
                "month": board.month.slug,
                "preliminary": board.preliminary,
                "as_of": board.as_of.isoformat(),
                "figures": [
                    {"key": key, "label": _(label), "definition": _(definition)}
                    for key, label, definition in board.figures
                ],
                "current": _line(board.current),
                "months": [_line(line) for line in board.months],
                "levels": [_line(line) for line in board.levels],
                "departments": [_line(line) for line in board.departments],
                "notes": [_(note) for note in board.notes],
            }
        )


def register_dashboard(router) -> None:
    router.register("report-figures", ReportFiguresViewSet, basename="report-figures")
