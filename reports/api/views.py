"""The report API: thin over the selectors and services, one action per transition.

PermissionDenied → 403, bad input (a future or open period, an unknown type) → 400,
a stale `lock_version` or an impossible step → 409.
"""

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin, action_schema, number_lookup

from .. import rendering, selectors, services
from ..models import GenerationJob, Report
from ..periods import Period
from . import serializers as s

_LOOKUP = number_lookup("report", "D0105-2026100101")
_REFUSED = {
    400: OpenApiResponse(description="Invalid input, or refused with the reason."),
    403: OpenApiResponse(description="Your role may not do this to this report."),
    404: OpenApiResponse(description="No such report."),
    409: OpenApiResponse(description="Changed since your `lock_version`, or not possible now."),
}
_act = action_schema(lookup=_LOOKUP, refused=_REFUSED, response=s.ReportArchiveDetailSerializer)


@extend_schema_view(
    list=extend_schema(summary="Reports (the archive)"),
    retrieve=extend_schema(summary="A report with its frozen figures", parameters=[_LOOKUP]),
)
class ReportViewSet(
    ServiceRefusalsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Generated reports: every version of every type and period, its frozen figures, its
    PDF, generation on demand and the sign-off steps."""

    queryset = Report.objects.none()
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"
    filterset_fields = ["type", "status", "period_kind", "preliminary"]
    search_fields = ["number"]
    ordering_fields = ["period_start", "generated_at", "number", "version"]

    def get_serializer_class(self):
        return (
            s.ReportArchiveSerializer if self.action == "list" else s.ReportArchiveDetailSerializer
        )

    def get_queryset(self):
        reports = selectors.report_list(user=self.request.user).select_related(
            "approved_by", "delivered_by"
        )
        if self.action != "list":
            reports = reports.defer(None)  # the detail carries the frozen data
        return reports

    def get_permissions(self):
        if self.action in ("list", "retrieve", "metadata", "pdf"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        key = self.kwargs["number"]
        qs = self.get_queryset()
        found = qs.filter(pk=int(key)).first() if key.isdecimal() else qs.filter(number=key).first()
        if found is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, found)
        return found

    def _step(self, service, serializer=s.ReportVersionSerializer):
        report = self.get_object()
        body = serializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("lock_version")
        service(report=report, actor=self.request.user, lock_version=version, **data)
        return Response(self.get_serializer(self.get_object()).data)

    @_act(s.ReportVersionSerializer, "Confirm (the 服务主管)")
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._step(services.report_confirm)

    @_act(s.ReportVersionSerializer, "Approve (the client's 运维部 / 信息中心)")
    @action(detail=True, methods=["post"])
    def approve(self, request, number=None):
        return self._step(services.report_approve)

    @_act(s.ReportDeliverSerializer, "Deliver (mail the PDF to the configured recipients)")
    @action(detail=True, methods=["post"])
    def deliver(self, request, number=None):
        return self._step(services.report_deliver, s.ReportDeliverSerializer)

    @extend_schema(
        summary="The report as PDF (rendered from the frozen figures)",
        parameters=[_LOOKUP],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: _REFUSED[404]},
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, number=None):
        report = self.get_object()
        # In the caller's language (Accept-Language), like the page's download.
        content = rendering.report_pdf(report, language=get_language())
        response = HttpResponse(content, content_type="application/pdf")
        filename = rendering.report_filename(report, "pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @extend_schema(
        summary="Generate a report (queued; poll the job)",
        request=s.ReportGenerateSerializer,
        responses={202: s.ReportGenerationJobSerializer, 400: _REFUSED[400], 403: _REFUSED[403]},
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        body = s.ReportGenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report_type = services.report_type_get(data["type"])
        try:
            period = Period.parse(report_type.period_kind, data["period"])
        except (ValueError, TypeError) as exc:
            raise exceptions.ValidationError(
                {"period": [_("“%(text)s” is not a valid period.") % {"text": data["period"]}]}
            ) from exc
        job = services.generation_job_create(
            actor=request.user,
            type=data["type"],
            period=period,
            preliminary=data["preliminary"],
            regenerate=data["regenerate"],
            options={"suggestions": data["suggestions"]} if data["suggestions"] else {},
        )
        return Response(s.ReportGenerationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="My report generations"),
    retrieve=extend_schema(summary="A report generation: status and progress"),
)
class GenerationJobViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """On-demand report generations you requested (poll `progress` until `done`)."""

    queryset = GenerationJob.objects.none()
    serializer_class = s.ReportGenerationJobSerializer

    def get_queryset(self):
        return GenerationJob.objects.restrict(self.request.user, "view").select_related("report")
