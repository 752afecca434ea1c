"""The work-order API: thin over incidents.selectors (reads) and incidents.services (writes).

Every write goes through the same service as the pages, so the same per-object rules,
state machine and optimistic locking apply; the service's refusals become HTTP answers:
PermissionDenied → 403, bad input (a missing `lock_version` too) → 400, a stale
`lock_version` or an impossible transition in the current state → 409, each with the
service's message (ServiceRefusalsMixin).
"""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin, action_schema, number_lookup

from .. import permissions, selectors, services
from ..choices import Channel
from ..models import ServiceRecord, WorkOrder
from ..service_records import selectors as record_selectors
from ..service_records import services as record_services
from . import serializers
from .filters import WorkOrderFilter

_LOOKUP = number_lookup("work-order", "D0201-2026093001")
_REFUSED = {
    403: OpenApiResponse(description="Your role may not do this to this work order."),
    404: OpenApiResponse(description="No such work order, or not visible to you."),
    409: OpenApiResponse(
        description="Changed since your `lock_version`, or not possible in its current status."
    ),
}

_act = action_schema(
    lookup=_LOOKUP,
    refused={400: OpenApiResponse(description="Invalid input."), **_REFUSED},
    response=serializers.WorkOrderSerializer,
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[_LOOKUP]),
    list=extend_schema(summary="Work orders you may see"),
)
class WorkOrderViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Work orders (运维工作单 D0201): the ones you may see, with one action per transition.

    The list is sorted by resolution due time, soonest first, unless `ordering` says
    otherwise; `search` looks in number, title, description and the requester's name.
    """

    queryset = WorkOrder.objects.none()  # for the schema; rows come from the selector
    serializer_class = serializers.WorkOrderSerializer
    filterset_class = WorkOrderFilter
    search_fields = ["number", "title", "description", "requester__person__name"]
    ordering_fields = ["created_at", "resolve_due_at", "response_due_at", "priority", "number"]
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return selectors.work_order_list(user=self.request.user).select_related(
            *selectors.LIST_RELATED, "service_level", "category__parent__parent"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        lookup = Q(pk=int(value)) if value.isdecimal() else Q(number=value)
        work_order = self.get_queryset().filter(lookup).first()
        if work_order is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, work_order)
        return work_order

    # --- create -------------------------------------------------------------------------

    @extend_schema(
        summary="Report a fault",
        request=serializers.WorkOrderCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Any unique string per fault (e.g. a UUID). A retry with the same "
                "key files nothing new and answers 200 with the work order the first call "
                "filed (header Idempotent-Replayed: true).",
            )
        ],
        responses={
            200: serializers.WorkOrderSerializer,
            201: serializers.WorkOrderSerializer,
            400: OpenApiResponse(),
            403: _REFUSED[403],
        },
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(serializers.WorkOrderCreateSerializer)
        actor = request.user
        desk = permissions.user_has_role(actor, *permissions.DESK_ROLES)
        requester = body.get("requester") or actor
        device = body.get("device")
        if device is not None and not desk and not _uses_device(requester, device):
            raise exceptions.ValidationError({"device": [_("Choose one of your own devices.")]})
        work_order, filed = services.work_order_file(
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            actor=actor,
            requester=requester,
            title=body["title"],
            description=body["description"],
            category=body.get("category"),
            device=device,
            impact=body["impact"],
            urgency=body["urgency"],
            channel=body.get("channel", Channel.API) if desk else Channel.API,
            contact_phone=body["contact_phone"],
        )
        if not filed:  # a retry with the same Idempotency-Key: the first filing's answer
            return Response(
                self._show(work_order),
                status=status.HTTP_200_OK,
                headers={"Idempotent-Replayed": "true"},
            )
        return Response(self._show(work_order), status=status.HTTP_201_CREATED)

    # --- timeline and comments -----------------------------------------------------------

    @extend_schema(
        summary="Timeline",
        parameters=[_LOOKUP],
        responses={200: serializers.WorkOrderEventSerializer(many=True), 404: _REFUSED[404]},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, number=None):
        """The timeline, oldest first; internal notes only for staff who work the order."""
        events = selectors.work_order_timeline(user=request.user, work_order=self.get_object())
        return Response(serializers.WorkOrderEventSerializer(events, many=True).data)

    @_act(
        serializers.WorkOrderCommentSerializer,
        "Comment",
        response=serializers.WorkOrderEventSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, number=None):
        """A comment for the requester to read, or an internal note (`internal: true`)."""
        work_order, body = self._target(serializers.WorkOrderCommentSerializer)
        event = services.work_order_comment(
            work_order=work_order,
            actor=request.user,
            body=body["body"],
            internal=body["internal"],
            lock_version=body["lock_version"],
        )
        return Response(
            serializers.WorkOrderEventSerializer(event).data, status=status.HTTP_201_CREATED
        )

    # --- transitions ---------------------------------------------------------------------

    @_act(serializers.WorkOrderAssignSerializer, "Dispatch to an engineer")
    @action(detail=True, methods=["post"])
    def assign(self, request, number=None):
        work_order, body = self._target(serializers.WorkOrderAssignSerializer)
        return self._done(
            services.work_order_assign(
                work_order=work_order,
                actor=request.user,
                assignee=body["assignee"],
                team=body.get("team"),
                note=body["note"],
                lock_version=body["lock_version"],
                service_type=body.get("service_type"),
                response_mode=body.get("response_mode"),
                vehicle_needed=body.get("vehicle_needed"),
            )
        )

    @_act(serializers.WorkOrderNoteSerializer, "Confirm execution (start work)")
    @action(detail=True, methods=["post"])
    def start(self, request, number=None):
        return self._simple(services.work_order_start, serializers.WorkOrderNoteSerializer)

    @_act(serializers.WorkOrderHoldSerializer, "Put on hold (the SLA clocks pause)")
    @action(detail=True, methods=["post"])
    def hold(self, request, number=None):
        return self._simple(services.work_order_hold, serializers.WorkOrderHoldSerializer)

    @_act(serializers.WorkOrderNoteSerializer, "Resume work")
    @action(detail=True, methods=["post"])
    def resume(self, request, number=None):
        return self._simple(services.work_order_resume, serializers.WorkOrderNoteSerializer)

    @_act(serializers.WorkOrderResolveSerializer, "Resolve")
    @action(detail=True, methods=["post"])
    def resolve(self, request, number=None):
        return self._simple(services.work_order_resolve, serializers.WorkOrderResolveSerializer)

    @_act(serializers.WorkOrderReopenSerializer, "Reopen: still broken")
    @action(detail=True, methods=["post"])
    def reopen(self, request, number=None):
        return self._simple(services.work_order_reopen, serializers.WorkOrderReopenSerializer)

    @_act(
        serializers.WorkOrderNoteSerializer,
        "The engineer will be late or cannot come: re-dispatch within 10 minutes",
    )
    @action(detail=True, methods=["post"])
    def late(self, request, number=None):
        return self._simple(services.work_order_report_late, serializers.WorkOrderNoteSerializer)

    @_act(serializers.WorkOrderActionSerializer, "Start remote guidance (at most 5 minutes)")
    @action(detail=True, methods=["post"])
    def guidance(self, request, number=None):
        return self._simple(
            services.work_order_guidance_start, serializers.WorkOrderActionSerializer
        )

    @_act(
        serializers.WorkOrderActionSerializer,
        "Confirm the fix (it then waits for the desk's callback, or closes without that rule)",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._simple(services.work_order_confirm, serializers.WorkOrderActionSerializer)

    @_act(serializers.WorkOrderNoteSerializer, "Close")
    @action(detail=True, methods=["post"])
    def close(self, request, number=None):
        return self._simple(services.work_order_close, serializers.WorkOrderNoteSerializer)

    @_act(serializers.WorkOrderCancelSerializer, "Cancel (duplicate, withdrawn, not IT)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, number=None):
        return self._simple(services.work_order_cancel, serializers.WorkOrderCancelSerializer)

    @_act(serializers.WorkOrderNoteSerializer, "Escalate: the engineer needs the manager")
    @action(detail=True, methods=["post"])
    def escalate(self, request, number=None):
        return self._simple(services.work_order_escalate, serializers.WorkOrderNoteSerializer)

    @_act(serializers.WorkOrderNoteSerializer, "Forward an escalation to the project manager")
    @action(detail=True, methods=["post"], url_path="forward-to-manager")
    def forward_to_manager(self, request, number=None):
        return self._simple(
            services.work_order_forward_to_manager, serializers.WorkOrderNoteSerializer
        )

    @_act(serializers.WorkOrderReprioritiseSerializer, "Change impact and urgency")
    @action(detail=True, methods=["post"])
    def reprioritise(self, request, number=None):
        return self._simple(
            services.work_order_reprioritise, serializers.WorkOrderReprioritiseSerializer
        )

    @_act(serializers.WorkOrderRateSerializer, "Rate the fix (1–5)")
    @action(detail=True, methods=["post"])
    def rate(self, request, number=None):
        work_order, body = self._target(serializers.WorkOrderRateSerializer)
        return self._done(
            services.work_order_rate(
                work_order=work_order,
                actor=request.user,
                rating=body["rating"],
                comment=body["comment"],
                lock_version=body["lock_version"],
            )
        )

    @_act(serializers.WorkOrderCallbackSerializer, "Record the callback (回访)")
    @action(detail=True, methods=["post"])
    def callback(self, request, number=None):
        work_order, body = self._target(serializers.WorkOrderCallbackSerializer)
        services.callback_record(
            work_order=work_order,
            actor=request.user,
            reached=body["reached"],
            satisfaction=body.get("satisfaction"),
            comment=body["comment"],
            close=body["close"],
            lock_version=body["lock_version"],
        )
        return self._done(work_order)

    # --- plumbing ------------------------------------------------------------------------

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _target(self, serializer_class):
        """The visible work order and the validated body (with its `lock_version`)."""
        return self.get_object(), self._valid(serializer_class)

    def _simple(self, service, serializer_class):
        work_order, body = self._target(serializer_class)
        return self._done(service(work_order=work_order, actor=self.request.user, **body))

    def _done(self, work_order):
        return Response(self._show(work_order))

    def _show(self, work_order) -> dict:
        fresh = self.get_queryset().filter(pk=work_order.pk).first() or work_order
        return serializers.WorkOrderSerializer(fresh, context=self.get_serializer_context()).data


def _uses_device(user, device) -> bool:
    return (
        device.responsible_id == user.pk
        or (device.parent_id is not None and device.parent.responsible_id == user.pk)
        or device.users.filter(pk=user.pk).exists()
    )


_RECORD_LOOKUP = number_lookup("service record", "D0302-D0201-2026093001")
_record_act = action_schema(
    lookup=_RECORD_LOOKUP,
    refused={
        400: OpenApiResponse(description="Invalid input."),
        403: OpenApiResponse(description="Your role may not do this to this record."),
        404: OpenApiResponse(description="No such service record, or not visible to you."),
        409: OpenApiResponse(
            description="Changed since your `lock_version`, or not possible in its review state."
        ),
    },
    response=serializers.ServiceRecordSerializer,
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[_RECORD_LOOKUP]),
    list=extend_schema(summary="Service records you may see"),
)
class ServiceRecordViewSet(
    ServiceRefusalsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Service records (运行服务单 D0302-<work order>): those of the work orders you may
    see; the user confirms, the desk reviews (accept, or return with a reason)."""

    queryset = ServiceRecord.objects.none()
    serializer_class = serializers.ServiceRecordSerializer
    filterset_fields = ["status", "engineer"]
    ordering_fields = ["created_at", "arrived_at", "number"]
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        return record_selectors.service_record_list(user=self.request.user).prefetch_related(
            "requisitions"
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        lookup = Q(pk=int(value)) if value.isdecimal() else Q(number=value)
        record = self.get_queryset().filter(lookup).first()
        if record is None:
            raise exceptions.NotFound()
        self.check_object_permissions(self.request, record)
        return record

    def _body(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _show(self, record):
        fresh = self.get_queryset().filter(pk=record.pk).first() or record
        return Response(serializers.ServiceRecordSerializer(fresh).data)

    @_record_act(serializers.ServiceRecordConfirmSerializer, "Confirm (the served user)")
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        record, body = self.get_object(), self._body(serializers.ServiceRecordConfirmSerializer)
        return self._show(
            record_services.service_record_confirm(record=record, actor=request.user, **body)
        )

    @_record_act(serializers.ServiceRecordReviewSerializer, "Review (the service desk)")
    @action(detail=True, methods=["post"])
    def review(self, request, number=None):
        record, body = self.get_object(), self._body(serializers.ServiceRecordReviewSerializer)
        return self._show(
            record_services.service_record_review(record=record, actor=request.user, **body)
        )
