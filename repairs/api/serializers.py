from rest_framework import serializers

from cmdb.models import ConfigurationItem
from incidents.models import WorkOrder

from ..choices import DataHandling, ProblemType
from ..models import Nonconformance, RepairOrder, Vendor, VendorOrder
from ..models.vendor_orders import PRIORITIES


class VendorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="supplier.name", read_only=True)
    blacklist_entry = serializers.SerializerMethodField()

    class Meta:
        model = Vendor
        fields = [
            "id",
            "code",
            "name",
            "email",
            "repair_point",
            "is_manufacturer",
            "is_active",
            "blacklist_entry",
        ]

    def get_blacklist_entry(self, vendor) -> str | None:
        entries = getattr(vendor, "active_entries", None)
        if entries is None:
            entry = vendor.active_blacklist_entry()
            return entry.number if entry else None
        return entries[0].number if entries else None


class RepairOrderSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="in_warranty | third_party")
    work_order = serializers.CharField(source="work_order.number", read_only=True)
    device = serializers.CharField(source="device.asset_tag", read_only=True)
    vendor = serializers.PrimaryKeyRelatedField(read_only=True)
    spare = serializers.SerializerMethodField()

    class Meta:
        model = RepairOrder
        fields = [
            "number", "work_order", "device", "fault", "kind", "vendor", "repair_point", "carrier",
            "planned_send_on", "data_handling", "data_record", "consent_by", "spare", "status",
            "sent_at", "due_back_on", "desk_due_on", "progress_due_on", "returned_at", "lock_version",
        ]  # fmt: skip
        read_only_fields = fields

    def get_spare(self, repair) -> str | None:
        return repair.spare_loan.spare.asset_tag if repair.spare_loan_id else None


class RepairCreateSerializer(serializers.Serializer):
    work_order = serializers.SlugRelatedField(slug_field="number", queryset=WorkOrder.objects.all())
    fault = serializers.CharField()
    # Checked by the service; a plain string keeps the schema free of a second "kind" enum.
    kind = serializers.CharField(help_text="in_warranty | third_party")
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())
    repair_point = serializers.CharField(required=False, allow_blank=True)
    planned_send_on = serializers.DateField(required=False)
    data_handling = serializers.ChoiceField(choices=DataHandling.choices)
    data_record = serializers.CharField(required=False, allow_blank=True)
    consent_by = serializers.CharField(required=False, allow_blank=True)
    spare = serializers.SlugRelatedField(
        slug_field="asset_tag",
        queryset=ConfigurationItem.objects.all(),
        required=False,
        allow_null=True,
    )


class LockSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField()


class SendSerializer(LockSerializer):
    sent_at = serializers.DateTimeField(required=False, allow_null=True)


class ReturnSerializer(LockSerializer):
    returned_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
    cost = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=0
    )


class ReportSerializer(serializers.Serializer):
    text = serializers.CharField()


class WarrantySerializer(serializers.Serializer):
    """The warranty the vendor gives on a returned repair (recorded on the device)."""

    new_end = serializers.DateField()
    terms = serializers.CharField(max_length=2000)


class VendorOrderSerializer(serializers.ModelSerializer):
    work_order = serializers.CharField(source="work_order.number", read_only=True)
    vendor = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = VendorOrder
        fields = [
            "number", "work_order", "vendor", "engineer", "product", "problem_description",
            "problem_type", "priority", "service_level", "requirements", "required_by", "status",
            "review_note", "problem_id", "sent_at", "send_count", "signed_by_name", "signed_at",
            "handling", "advice", "result", "confirmed_by_name", "confirmed_at", "verified_at",
            "lock_version",
        ]  # fmt: skip
        read_only_fields = fields


class VendorOrderCreateSerializer(serializers.Serializer):
    work_order = serializers.SlugRelatedField(slug_field="number", queryset=WorkOrder.objects.all())
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())
    product = serializers.CharField()
    problem_description = serializers.CharField()
    problem_type = serializers.ChoiceField(choices=ProblemType.choices)
    priority = serializers.ChoiceField(choices=PRIORITIES, required=False)
    requirements = serializers.CharField(required=False, allow_blank=True)
    required_by = serializers.DateField(required=False, allow_null=True)


class ReviewSerializer(LockSerializer):
    decision = serializers.ChoiceField(choices=["approve", "reject", "decline"])
    note = serializers.CharField(required=False, allow_blank=True)


class SignSerializer(LockSerializer):
    name = serializers.CharField(required=False, allow_blank=True)
    signed_at = serializers.DateTimeField(required=False, allow_null=True)


class ResultSerializer(LockSerializer):
    handling = serializers.CharField()
    advice = serializers.CharField(required=False, allow_blank=True)
    result = serializers.CharField()


class ConfirmSerializer(LockSerializer):
    name = serializers.CharField(required=False, allow_blank=True)
    confirmed_at = serializers.DateTimeField(required=False, allow_null=True)


class VerifySerializer(LockSerializer):
    passed = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True)


class NonconformanceSerializer(serializers.ModelSerializer):
    vendor_order = serializers.CharField(source="vendor_order.number", read_only=True)

    class Meta:
        model = Nonconformance
        fields = [
            "number",
            "vendor",
            "vendor_order",
            "work_order_number",
            "occurred_at",
            "reason",
            "recorded_by",
        ]
        read_only_fields = fields
