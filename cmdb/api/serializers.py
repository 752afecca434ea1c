from itertools import compress
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from ..choices import WarrantyStatus
from ..models import (
    Baseline,
    CensusCampaign,
    CIClass,
    CIRelationship,
    ConfigurationItem,
    PartType,
    Requisition,
    Stock,
    Supplier,
)


class CIClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = CIClass
        fields = ["id", "code", "name", "icon", "tag_prefix", "is_accessory", "attribute_schema"]

    def validate(self, attrs):
        instance = CIClass(**{**self._current(), **attrs})
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {f: getattr(self.instance, f) for f in ("code", "name", "attribute_schema")}


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name", "contact_name", "contact_phone", "notes"]


class ConfigurationItemSerializer(serializers.ModelSerializer):
    """Writes go through cmdb.services (attributes validated, accessories follow parents)."""

    ci_class_code = serializers.CharField(source="ci_class.code", read_only=True)
    warranty_status = serializers.ChoiceField(choices=WarrantyStatus.choices, read_only=True)
    effective_service_level = serializers.SerializerMethodField(
        help_text="Code of the level that applies: the item's override, else its user's."
    )
    users = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=get_user_model().objects.all(),
        help_text="People who use a shared item; they count as affected in impact analysis.",
    )

    class Meta:
        model = ConfigurationItem
        fields = [
            "id",
            "asset_tag",
            "name",
            "ci_class",
            "ci_class_code",
            "status",
            "contract_number",
            "serial_number",
            "warranty_end",
            "purchased_on",
            "warranty_status",
            "ip_address",
            "system_serial",
            "supplier",
            "responsible",
            "users",
            "department",
            "location",
            "seal_status",
            "seal_checked_at",
            "service_level",
            "effective_service_level",
            "parent",
            "attributes",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Model-level checks run in the service (full_clean), reported as 400 below.
        validators = []

    def get_effective_service_level(self, ci) -> str | None:
        level = ci.effective_service_level()
        return level.code if level else None


class ImpactUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    service_level = serializers.CharField(allow_null=True)


class ImpactItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    asset_tag = serializers.CharField()
    name = serializers.CharField()
    ci_class_code = serializers.CharField()
    depth = serializers.IntegerField(help_text="Hops from the failed item.")


class ImpactEdgeSerializer(serializers.Serializer):
    from_id = serializers.IntegerField(help_text="The failing item…")
    to_id = serializers.IntegerField(help_text="…impairs this one.")
    type = serializers.CharField()


# The impact API answers in pages: a hub can reach 50,000 items and 3,000 users.
IMPACT_LIMIT_DEFAULT = 500
IMPACT_LIMIT_MAX = 5000


class ImpactQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1,
        max_value=IMPACT_LIMIT_MAX,
        default=IMPACT_LIMIT_DEFAULT,
        help_text=f"Items and users per answer (at most {IMPACT_LIMIT_MAX}).",
    )
    offset = serializers.IntegerField(
        min_value=0,
        default=0,
        help_text="Skip this many items and users: pass `next_offset` to read on.",
    )


class ImpactLevelCountSerializer(serializers.Serializer):
    service_level = serializers.CharField(allow_null=True, help_text="Code, e.g. vip.")
    count = serializers.IntegerField()


class ImpactSerializer(serializers.Serializer):
    """What is affected if the item fails: items nearest first, users VIP first.

    Counts are complete; `items` and `users` are the page [offset, offset + limit) of
    each list, `edges` those leading into the items of the page (paging through the
    items gives every edge once).
    """

    item_count = serializers.IntegerField(help_text="Every dependent item.")
    user_count = serializers.IntegerField(help_text="Every affected user.")
    edge_count = serializers.IntegerField(help_text="Every relationship the failure travels.")
    user_counts = ImpactLevelCountSerializer(
        many=True, help_text="Affected users per effective service level, highest first."
    )
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    items_truncated = serializers.BooleanField(help_text="More items after this page.")
    users_truncated = serializers.BooleanField(help_text="More users after this page.")
    next_offset = serializers.IntegerField(
        allow_null=True, help_text="The offset of the next page; null on the last."
    )
    items = ImpactItemSerializer(many=True)
    users = ImpactUserSerializer(many=True)
    departments = serializers.ListField(child=serializers.CharField())
    service_levels = serializers.ListField(child=serializers.CharField())
    edges = ImpactEdgeSerializer(many=True)

    @staticmethod
    def from_impact(impact, *, limit: int = IMPACT_LIMIT_DEFAULT, offset: int = 0) -> dict:
        def person(user):
            return getattr(user, "person", None)

        items = impact.items[offset : offset + limit]
        users = impact.users[offset : offset + limit]
        shown = {item.pk for item in items}
        more_items = offset + len(items) < len(impact.items)
        more_users = offset + len(users) < len(impact.users)
        return {
            "item_count": len(impact.items),
            "user_count": len(impact.users),
            "edge_count": len(impact.edges),
            "user_counts": [
                {"service_level": level.code if level is not None else None, "count": n}
                for level, n in impact.user_counts
            ],
            "limit": limit,
            "offset": offset,
            "items_truncated": more_items,
            "users_truncated": more_users,
            "next_offset": offset + limit if more_items or more_users else None,
            "items": [
                {
                    "id": item.pk,
                    "asset_tag": item.asset_tag,
                    "name": item.name,
                    "ci_class_code": item.ci_class.code,
                    "depth": impact.depth[item.pk],
                }
                for item in items
            ],
            "users": [
                {
                    "id": user.pk,
                    "username": user.get_username(),
                    "name": person(user).name if person(user) else user.get_username(),
                    "department": (
                        person(user).department.name
                        if person(user) and person(user).department_id
                        else None
                    ),
                    "service_level": (
                        level.code if (level := impact.user_level(user)) is not None else None
                    ),
                }
                for user in users
            ],
            "departments": [d.name for d in impact.departments],
            "service_levels": [level.code for level in impact.service_levels],
            "edges": [
                {"from_id": e.from_id, "to_id": e.to_id, "type": e.type}
                for e in compress(impact.edges, map(shown.__contains__, map(_TO, impact.edges)))
            ],
        }


_TO = itemgetter(1)


class CIRelationshipSerializer(serializers.ModelSerializer):
    class Meta:
        model = CIRelationship
        fields = ["id", "source", "type", "target", "note", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # the service's full_clean reports duplicates as 400


class PartTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PartType
        fields = ["id", "name", "model", "unit", "notes"]


class StockSerializer(serializers.ModelSerializer):
    part_type_name = serializers.CharField(source="part_type.__str__", read_only=True)
    location_name = serializers.CharField(source="location.__str__", read_only=True)
    is_low = serializers.BooleanField(read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id",
            "part_type",
            "part_type_name",
            "location",
            "location_name",
            "quantity",
            "minimum_level",
            "is_low",
        ]
        read_only_fields = ["quantity"]  # stock moves through requisitions and restocks


class RequisitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Requisition
        fields = [
            "id",
            "number",
            "stock",
            "quantity",
            "work_order_number",
            "note",
            "status",
            "requested_by",
            "approved_by",
            "approved_at",
            "issued_at",
            "closed_at",
            "created_at",
            "lock_version",
        ]
        read_only_fields = [
            "lock_version",
            "number",
            "status",
            "requested_by",
            "approved_by",
            "approved_at",
            "issued_at",
            "closed_at",
            "created_at",
        ]


class RequisitionStepSerializer(serializers.Serializer):
    """One step of a requisition: the lock_version read with it is required, so a step
    taken on stale data is refused (409) instead of overwriting someone else's."""

    lock_version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class CensusCampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = CensusCampaign
        fields = [
            "id",
            "name",
            "departments",
            "locations",
            "due_date",
            "include_accessories",
            "status",
            "started_at",
            "closed_at",
            "lock_version",
        ]
        read_only_fields = fields


class BaselineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Baseline
        fields = ["id", "name", "department", "ci_class", "taken_at", "item_count"]
        read_only_fields = fields
