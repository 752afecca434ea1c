"""Query-string filters of the work-order list API."""

import django_filters
from django.db.models import Q

from ..choices import OPEN_STATUSES, Channel, Priority, ResponseMode, ServiceType, Status
from ..models import WorkOrder


class WorkOrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    # "none" for the orders where it was not recorded.
    service_type = django_filters.MultipleChoiceFilter(
        choices=[*ServiceType.choices, ("none", "not recorded")], method="filter_recorded"
    )
    response_mode = django_filters.MultipleChoiceFilter(
        choices=[*ResponseMode.choices, ("none", "not recorded")], method="filter_recorded"
    )
    service_level = django_filters.CharFilter(
        field_name="service_level__code", label="service level code"
    )
    category = django_filters.NumberFilter(
        method="filter_category", label="category (its sub-categories included)"
    )
    open = django_filters.BooleanFilter(method="filter_open", label="still open")
    created = django_filters.IsoDateTimeFromToRangeFilter(field_name="created_at")

    class Meta:
        model = WorkOrder
        fields = [
            "status",
            "priority",
            "service_level",
            "assignee",
            "requester",
            "team",
            "device",
            "category",
            "channel",
            "response_breached",
            "resolution_breached",
        ]

    def filter_category(self, queryset, name, value):
        # The taxonomy is three levels deep: a problem or system type matches its faults.
        return queryset.filter(
            Q(category_id=value)
            | Q(category__parent_id=value)
            | Q(category__parent__parent_id=value)
        )

    def filter_recorded(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{name}__in": ["" if v == "none" else v for v in value]})

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)
