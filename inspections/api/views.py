"""Inspection API: thin over the selectors and services, with the pages' rules.

PermissionDenied → 403, bad input → 400, a stale `lock_version` or an impossible step → 409.
"""

from django.shortcuts import get_object_or_404
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cmdb.models import ConfigurationItem
from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from .. import selectors, services
from ..models import (
    BackupPlan,
    Facility,
    FacilityCheck,
    InspectionPlan,
    InspectionRecord,
    InspectionReport,
    InspectionRound,
)
from . import serializers


class _Base(
    ServiceRefusalsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def _valid(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


class InspectionPlanViewSet(mixins.CreateModelMixin, _Base):
    """巡检工作计划 (D0801): list, read, draft, submit, approve, reject."""

    queryset = InspectionPlan.objects.none()
    serializer_class = serializers.PlanSerializer

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user).prefetch_related(
            "engineers", "approvals__approver"
        )

    def create(self, request, *args, **kwargs):
        data = self._valid(serializers.PlanCreateSerializer)
        plan = services.plan_create(actor=request.user, **data)
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=status.HTTP_201_CREATED)

    def _answer(self, plan):
        return Response(self.get_serializer(self.get_queryset().get(pk=plan.pk)).data)

    @action(detail=True, methods=["post"], serializer_class=serializers.PlanSerializer)
    def submit(self, request, pk=None):
        data = self._valid(serializers.VersionSerializer)
        plan = services.plan_submit(plan=self.get_object(), actor=request.user, **data)
        return self._answer(plan)

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self._valid(serializers.DecisionSerializer)
        plan = services.plan_decide(
            plan=self.get_object(), actor=request.user, approve=True, **data
        )
        return self._answer(plan)

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = self._valid(serializers.DecisionSerializer)
        plan = services.plan_decide(
            plan=self.get_object(), actor=request.user, approve=False, **data
        )
        return self._answer(plan)


class InspectionRecordViewSet(mixins.CreateModelMixin, _Base):
    """巡检记录表 (D0802): one device on one round; POST saves one, as the pages do."""

    queryset = InspectionRecord.objects.none()
    serializer_class = serializers.RecordSerializer

    def get_queryset(self):
        return selectors.record_list(user=self.request.user).prefetch_related("lines__work_order")

    def create(self, request, *args, **kwargs):
        data = self._valid(serializers.RecordCreateSerializer)
        round = get_object_or_404(
            InspectionRound,
            pk=data["round"],
            plan__in=InspectionPlan.objects.restrict(request.user),
        )
        ci = get_object_or_404(ConfigurationItem, pk=data["device"])
        try:
            record = services.record_save(
                round=round,
                ci=ci,
                actor=request.user,
                lines=[
                    services.LineInput(item_id=r["item"], result=r["result"], note=r["note"])
                    for r in data["results"]
                ],
                note=data["note"],
                add_to_plan=data["add_to_plan"],
                client_id=data["client_id"] or None,
            )
        except services.DuplicateRecord as exc:
            return Response(
                {"detail": exc.messages[0], "record": exc.record.number},
                status=status.HTTP_409_CONFLICT,
            )
        except services.NotInPlan as exc:
            return Response(
                {"detail": exc.messages[0], "code": "not_in_plan"}, status=status.HTTP_409_CONFLICT
            )
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class InspectionReportViewSet(_Base):
    """巡检报告 (D0803): read, submit, approve, reject."""

    queryset = InspectionReport.objects.none()
    serializer_class = serializers.ReportSerializer

    def get_queryset(self):
        return selectors.report_list(user=self.request.user).prefetch_related("approvals__approver")

    def _answer(self, report):
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        data = self._valid(serializers.VersionSerializer)
        return self._answer(
            services.report_submit(report=self.get_object(), actor=request.user, **data)
        )

    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        data = self._valid(serializers.DecisionSerializer)
        return self._answer(
            services.report_decide(
                report=self.get_object(), actor=request.user, approve=True, **data
            )
        )

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        data = self._valid(serializers.DecisionSerializer)
        return self._answer(
            services.report_decide(
                report=self.get_object(), actor=request.user, approve=False, **data
            )
        )


class FacilityViewSet(ServiceRefusalsMixin, viewsets.ReadOnlyModelViewSet):
    """Facilities checked on a schedule (lightning protection…), soonest due first."""

    queryset = Facility.objects.none()
    serializer_class = serializers.FacilitySerializer

    def get_queryset(self):
        return selectors.facility_list(user=self.request.user)


class FacilityCheckViewSet(ServiceRefusalsMixin, viewsets.ReadOnlyModelViewSet):
    """设施检查记录 (D0804) with their measured lines."""

    queryset = FacilityCheck.objects.none()
    serializer_class = serializers.FacilityCheckSerializer

    def get_queryset(self):
        return selectors.facility_checks(user=self.request.user).prefetch_related("lines")


class BackupPlanViewSet(ServiceRefusalsMixin, viewsets.ReadOnlyModelViewSet):
    """Backup plans of key departments; `?overdue=1` lists those past due."""

    queryset = BackupPlan.objects.none()
    serializer_class = serializers.BackupPlanSerializer

    def get_permissions(self):
        if self.action == "runs":
            return [ActOnVisible()]
        return super().get_permissions()

    def get_queryset(self):
        if self.request.query_params.get("overdue") in ("1", "true"):
            return selectors.overdue_backups(user=self.request.user).select_related(
                "department", "responsible"
            )
        return selectors.backup_list(user=self.request.user)

    @action(detail=True, methods=["post"], serializer_class=serializers.BackupRunSerializer)
    def runs(self, request, pk=None):
        body = serializers.BackupRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.backup_record(
            plan=self.get_object(), actor=request.user, **body.validated_data
        )
        return Response(serializers.BackupRunSerializer(run).data, status=status.HTTP_201_CREATED)
