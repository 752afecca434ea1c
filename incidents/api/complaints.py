"""/api/complaint-statistics/?start=2026-11-01&end=2026-11-30: the complaint statistics
page's numbers, for the complaint handlers (supervisors, managers)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from itsm import workflow

from .. import complaint_metrics
from .. import permissions as incident_permissions
from ..complaint_views import bounds
from ..forms import PeriodForm


def _group(group) -> dict:
    return {
        "id": group.id or None,
        "name": group.name,
        "complaints": group.complaints,
        "handled": group.handled,
        "open": group.open,
        "mean_handling_hours": group.mean_handling_hours,
    }


class ComplaintStatisticsViewSet(viewsets.ViewSet):
    """Complaints of a period (both days included; default this month so far) overall,
    by cause and by department, with the mean handling time in business hours. `id` null:
    not classified / no department."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Complaint statistics of a period",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request):
        try:
            workflow.require(incident_permissions.complaint_handle_refusal(request.user))
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused)) from refused
        today = timezone.localdate()
        data = {"start": today.replace(day=1), "end": today}
        if "start" in request.query_params or "end" in request.query_params:
            form = PeriodForm(request.query_params)
            if not form.is_valid():
                raise ValidationError(form.errors)
            data = form.cleaned_data
        start, end = bounds(data["start"], data["end"])
        stats = complaint_metrics.complaint_statistics(start=start, end=end)
        return Response(
            {
                "start": data["start"].isoformat(),
                "end": data["end"].isoformat(),
                "total": _group(stats.total),
                "by_cause": [_group(g) for g in stats.by_cause],
                "by_department": [_group(g) for g in stats.by_department],
            }
        )
