"""The staff queue's filters: status, priority, category, team, assignee, channel, text."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicedesk.directory import assignable_users, staff_directory
from servicedesk.models import Category, Team

from .choices import Channel, Priority, ResponseMode, ServiceType, Status
from .search import keyword_filter
from .widgets import PlainSelect, plain_choices

_select = {"class": "form-select form-select-sm"}


def staff_users():
    """Who can be given work (the fields' querysets check what is posted)."""
    return assignable_users()


def queue_choices() -> dict[str, list]:
    """The queue page's category, team and staff options as plain (pk, label) rows, from
    cached tables (no query): categories' and the staff directory's
    (`servicedesk.directory`). The fields' querysets still validate what is posted."""
    directory = staff_directory()
    return {
        "category": category_path_rows(),
        "team": directory.teams,
        "assignee": directory.assignable,
    }


PATH_SEPARATOR = " › "


def category_path_rows() -> list[tuple[int, str]]:
    """Every active category as (pk, "问题类型 › 系统类型 › 故障类型"), each under its parent.

    A fault type's name alone repeats across system types (死机 under Windows and under
    Linux); its path does not. A category whose parent is inactive starts a
    path of its own. From the per-process table of active categories (no query).
    """
    rows = [(c.pk, c.name, c.parent_id, c.sort_order) for c in Category.active()]
    active = {pk for pk, *_ in rows}
    children: dict[int | None, list] = {}
    for pk, name, parent_id, order in rows:
        children.setdefault(parent_id if parent_id in active else None, []).append(
            (order, name, pk)
        )
    result: list[tuple[int, str]] = []

    def walk(parent, prefix):
        for _order, name, pk in sorted(children.get(parent, [])):
            path = f"{prefix}{PATH_SEPARATOR}{name}" if prefix else name
            result.append((pk, path))
            walk(pk, path)

    walk(None, "")
    return result


def queue_choices_apply(choices, *forms_) -> None:
    for form in forms_:
        for name, rows in choices.items():
            if name in form.fields:
                form.fields[name].widget.choices = plain_choices(form.fields[name], rows)


class StaffChoiceField(forms.ModelChoiceField):
    """Staff listed by their names, not their login names."""

    def label_from_instance(self, obj):
        person = getattr(obj, "person", None)
        return person.name if person else obj.get_username()


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffChoiceField


NOT_RECORDED = "none"  # the filter value for "service type / response mode not recorded"


class WorkOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "placeholder": _("Number, words, caller, department or asset tag"),
                "type": "search",
            }
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, widget=PlainSelect(attrs=_select)
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, widget=PlainSelect(attrs=_select)
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        method="filter_category",
        widget=PlainSelect(attrs=_select),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), widget=PlainSelect(attrs=_select)
    )
    assignee = StaffFilter(
        label=_("Assignee"), queryset=staff_users(), widget=PlainSelect(attrs=_select)
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, widget=PlainSelect(attrs=_select)
    )
    service_type = django_filters.ChoiceFilter(
        label=_("Service type"),
        choices=[*ServiceType.choices, (NOT_RECORDED, _("Not recorded"))],
        method="filter_recorded",
        widget=PlainSelect(attrs=_select),
    )
    response_mode = django_filters.ChoiceFilter(
        label=_("Response mode"),
        choices=[*ResponseMode.choices, (NOT_RECORDED, _("Not recorded"))],
        method="filter_recorded",
        widget=PlainSelect(attrs=_select),
    )

    def filter_recorded(self, queryset, name, value):
        return queryset.filter(**{name: "" if value == NOT_RECORDED else value})

    def filter_text(self, queryset, name, value):
        return keyword_filter(queryset, value)

    def filter_category(self, queryset, name, value):
        # A problem or system type (its path is offered too) includes the fault types
        # beneath it.
        return queryset.filter(
            Q(category=value) | Q(category__parent=value) | Q(category__parent__parent=value)
        )
