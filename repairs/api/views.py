"""The repairs API: thin over repairs.selectors and repairs.services, the same rules as the
pages (403 refused, 400 bad input, 409 stale `lock_version` or impossible step)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin

from .. import selectors, services
from ..models import Nonconformance, RepairOrder, Vendor, VendorOrder
from . import serializers as s


class _Numbered(ServiceRefusalsMixin, viewsets.GenericViewSet):
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        key = self.kwargs["number"]
        rows = self.get_queryset()
        found = (
            rows.filter(pk=int(key)).first()
            if key.isdigit() and len(key) < 12
            else rows.filter(number=key).first()
        )
        if found is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, found)
        return found

    def _valid(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _answer(self, obj, code=status.HTTP_200_OK):
        obj.refresh_from_db()
        return Response(self.get_serializer(obj).data, status=code)


class VendorViewSet(ServiceRefusalsMixin, viewsets.ReadOnlyModelViewSet):
    """Vendors (维修商); `blacklist_entry` names the entry while a vendor is blacklisted."""

    queryset = Vendor.objects.none()
    serializer_class = s.VendorSerializer
    search_fields = ["code", "supplier__name"]

    def get_queryset(self):
        return selectors.vendor_list(user=self.request.user).order_by("code")


class RepairOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Numbered):
    """Repair send-outs (设备送修单 D0701), one action per step."""

    queryset = RepairOrder.objects.none()
    serializer_class = s.RepairOrderSerializer
    filterset_fields = ["status", "kind"]

    def get_queryset(self):
        return selectors.repair_list(user=self.request.user).select_related("spare_loan__spare")

    @extend_schema(request=s.RepairCreateSerializer, responses={201: s.RepairOrderSerializer})
    def create(self, request, *args, **kwargs):
        body = self._valid(s.RepairCreateSerializer)
        repair = services.repair_create(actor=request.user, carrier=request.user, **body)
        return self._answer(repair, status.HTTP_201_CREATED)

    @extend_schema(request=s.SendSerializer, responses=s.RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, number=None):
        return self._answer(
            services.repair_send(
                actor=request.user, repair=self.get_object(), **self._valid(s.SendSerializer)
            )
        )

    @extend_schema(request=s.ReturnSerializer, responses=s.RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, number=None):
        return self._answer(
            services.repair_return(
                actor=request.user, repair=self.get_object(), **self._valid(s.ReturnSerializer)
            )
        )

    @extend_schema(request=s.ReportSerializer, responses=s.RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, number=None):
        repair = self.get_object()
        services.repair_report_progress(
            actor=request.user, repair=repair, **self._valid(s.ReportSerializer)
        )
        return self._answer(repair)

    @extend_schema(request=s.WarrantySerializer, responses=s.RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def warranty(self, request, number=None):
        """Record the warranty the vendor gives on this returned repair: the device's
        warranty end moves (the CMDB keeps the terms and this repair's number)."""
        repair = self.get_object()
        services.repair_extend_warranty(
            actor=request.user, repair=repair, **self._valid(s.WarrantySerializer)
        )
        return self._answer(repair)


class VendorOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Numbered):
    """Vendor work orders (维修商服务工作单 D0702). An order to a blacklisted vendor is refused
    (403) with the blacklist entry's number."""

    queryset = VendorOrder.objects.none()
    serializer_class = s.VendorOrderSerializer
    filterset_fields = ["status", "vendor"]

    def get_queryset(self):
        return selectors.vendor_order_list(user=self.request.user)

    @extend_schema(request=s.VendorOrderCreateSerializer, responses={201: s.VendorOrderSerializer})
    def create(self, request, *args, **kwargs):
        body = self._valid(s.VendorOrderCreateSerializer)
        order = services.vendor_order_create(actor=request.user, **body)
        return self._answer(order, status.HTTP_201_CREATED)

    def _step(self, service, serializer_class, **extra):
        return self._answer(
            service(
                actor=self.request.user,
                order=self.get_object(),
                **self._valid(serializer_class),
                **extra,
            )
        )

    @extend_schema(request=s.LockSerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, number=None):
        return self._step(services.vendor_order_submit, s.LockSerializer)

    @extend_schema(request=s.ReviewSerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        return self._step(services.vendor_order_review, s.ReviewSerializer)

    @extend_schema(request=s.LockSerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, number=None):
        return self._step(services.vendor_order_send, s.LockSerializer)

    @extend_schema(request=s.SignSerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, number=None):
        return self._step(services.vendor_order_sign, s.SignSerializer)

    @extend_schema(request=s.ResultSerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, number=None):
        return self._step(services.vendor_order_record_result, s.ResultSerializer)

    @extend_schema(request=s.ConfirmSerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._step(services.vendor_order_confirm, s.ConfirmSerializer)

    @extend_schema(request=s.VerifySerializer, responses=s.VendorOrderSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, number=None):
        return self._step(services.vendor_order_verify, s.VerifySerializer)


class NonconformanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Numbered):
    """Vendor nonconformances (维修商不合格情况记录 D0703), read-only: they are recorded by a
    failed verification."""

    queryset = Nonconformance.objects.none()
    serializer_class = s.NonconformanceSerializer
    filterset_fields = ["vendor"]

    def get_queryset(self):
        return selectors.nonconformance_list(user=self.request.user)


__all__ = ["PermissionDenied"]
