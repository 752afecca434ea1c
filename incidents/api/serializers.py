"""The work order as the API shows it, and the small bodies of each action."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cmdb.models import ConfigurationItem
from servicedesk.models import Category, Team

from ..choices import CancelReason, Channel, HoldReason, Level3, ResponseMode, ServiceType
from ..models import Attachment, ServiceRecord, WorkOrder, WorkOrderEvent


def _enum_field(choices):
    """A choice field documented as one enum component named after its choice set.

    drf-spectacular otherwise names enums after the field, so impact and urgency (one
    choice set, two names) or the hold and cancel `reason` (one name, two sets) warn,
    and the schema check runs with --fail-on-warn.
    """

    @extend_schema_field(
        {"type": "string", "enum": list(choices.values)},
        component_name=f"{choices.__name__}Enum",
    )
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    Field.__name__ = f"{choices.__name__}Field"
    return Field


Level3Field = _enum_field(Level3)
HoldReasonField = _enum_field(HoldReason)
CancelReasonField = _enum_field(CancelReason)
ServiceTypeField = _enum_field(ServiceType)
ResponseModeField = _enum_field(ResponseMode)


def _active_users():
    return get_user_model().objects.filter(is_active=True)


class WorkOrderPersonSerializer(serializers.Serializer):
    """A person as a work order names them: id, login and profile name."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        person = getattr(user, "person", None)
        return person.name if person is not None else user.get_username()


class WorkOrderSerializer(serializers.ModelSerializer):
    service_level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requester_detail = WorkOrderPersonSerializer(source="requester", read_only=True)
    assignee_detail = WorkOrderPersonSerializer(source="assignee", read_only=True, allow_null=True)
    category_path = serializers.SerializerMethodField()
    impact = Level3Field(read_only=True)
    urgency = Level3Field(read_only=True)
    hold_reason = serializers.CharField(
        read_only=True, help_text="user, vendor or parts while on hold; empty otherwise"
    )
    service_type = serializers.CharField(
        read_only=True, help_text="take_in, on_site or special (§6.2.2); empty: not recorded"
    )
    response_mode = serializers.CharField(
        read_only=True, help_text="hotline, remote or on_site (§6.2.2); empty: not recorded"
    )

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "number",
            "title",
            "description",
            "status",
            "status_display",
            "priority",
            "impact",
            "urgency",
            "service_level",
            "channel",
            "requester",
            "requester_detail",
            "contact_phone",
            "department",
            "assignee",
            "assignee_detail",
            "team",
            "device",
            "category",
            "category_path",
            "hold_reason",
            "service_type",
            "response_mode",
            "vehicle_needed",
            "response_due_at",
            "resolve_due_at",
            "responded_at",
            "assigned_at",
            "accepted_at",
            "resolved_at",
            "confirmed_at",
            "closed_at",
            "late_reported_at",
            "redispatch_due_at",
            "guidance_started_at",
            "guidance_due_at",
            "guidance_seconds",
            "response_breached",
            "resolution_breached",
            "resolution",
            "first_contact_resolution",
            "knowledge_record_id",
            "rating",
            "rating_comment",
            "callback_satisfaction",
            "reopen_count",
            "lock_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_category_path(self, work_order) -> str:
        return work_order.category.path() if work_order.category_id else ""


class WorkOrderCreateSerializer(serializers.Serializer):
    """A fault report. `requester` and a channel other than `api` are for the service desk."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), required=False, allow_null=True
    )
    device = serializers.PrimaryKeyRelatedField(
        queryset=ConfigurationItem.objects.all(),
        required=False,
        allow_null=True,
    )
    impact = Level3Field(default=Level3.LOW)
    urgency = Level3Field(default=Level3.MEDIUM)
    contact_phone = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    requester = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(),
        required=False,
        help_text=_("The caller, when the desk records a fault on someone's behalf."),
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Only the desk may set it (phone, walk-in, mail); otherwise `api`."),
    )


class WorkOrderActionSerializer(serializers.Serializer):
    """What every state-changing call sends: the `lock_version` the client last read.

    Required, so two clients acting on the same order cannot silently overwrite each
    other: the one whose copy is stale gets 409 and reads the order again.
    """

    lock_version = serializers.IntegerField(
        min_value=1,
        help_text=_(
            "The lock_version you last read; if the work order changed since, the answer is 409."
        ),
        error_messages={
            "required": _(
                "Send the work order's lock_version as you last read it, so a change "
                "someone made since is not overwritten."
            ),
            "null": _("lock_version cannot be empty."),
        },
    )


class WorkOrderNoteSerializer(WorkOrderActionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WorkOrderAssignSerializer(WorkOrderNoteSerializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=_active_users())
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    service_type = ServiceTypeField(required=False, help_text="omitted: kept as it is")
    response_mode = ResponseModeField(required=False, help_text="omitted: kept as it is")
    vehicle_needed = serializers.BooleanField(required=False, allow_null=True, default=None)


class WorkOrderHoldSerializer(WorkOrderNoteSerializer):
    reason = HoldReasonField()


class WorkOrderResolveSerializer(WorkOrderActionSerializer):
    resolution = serializers.CharField()
    knowledge_record_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class WorkOrderReopenSerializer(WorkOrderActionSerializer):
    note = serializers.CharField()


class WorkOrderCancelSerializer(WorkOrderNoteSerializer):
    reason = CancelReasonField()


class WorkOrderReprioritiseSerializer(WorkOrderNoteSerializer):
    impact = Level3Field()
    urgency = Level3Field()


class WorkOrderRateSerializer(WorkOrderActionSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class WorkOrderCallbackSerializer(WorkOrderActionSerializer):
    reached = serializers.BooleanField()
    satisfaction = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    close = serializers.BooleanField(
        default=True, help_text=_("Close the work order when the user was reached.")
    )


class WorkOrderCommentSerializer(WorkOrderActionSerializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(
        default=False, help_text=_("An internal note, hidden from the requester (staff only).")
    )


class WorkOrderAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "is_internal", "created_at"]
        read_only_fields = fields


class WorkOrderEventSerializer(serializers.ModelSerializer):
    actor = WorkOrderPersonSerializer(read_only=True, allow_null=True)
    attachments = WorkOrderAttachmentSerializer(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = WorkOrderEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "actor",
            "body",
            "is_internal",
            "status_from",
            "status_to",
            "data",
            "attachments",
            "at",
        ]
        read_only_fields = fields


class ServiceRecordSerializer(serializers.ModelSerializer):
    """运行服务单 (read): the visit, the user's confirmation and the desk's review."""

    work_order = serializers.SlugRelatedField(slug_field="number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    minutes_on_site = serializers.IntegerField(read_only=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "number",
            "work_order",
            "engineer",
            "arrived_at",
            "left_at",
            "minutes_on_site",
            "work_done",
            "parts_used",
            "requisitions",
            "confirmed_at",
            "confirmation_method",
            "confirmation_note",
            "status",
            "status_display",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
            "lock_version",
            "created_at",
        ]
        read_only_fields = fields


class ServiceRecordReviewSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(min_value=1)
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceRecordConfirmSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
