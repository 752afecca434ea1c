from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicedesk.choices import CategoryLevel
from servicedesk.models import Category

from .choices import Audience, Status


def fault_type_choices():
    """Fault types grouped under "problem type / system type", so one select works without JS."""
    faults = (
        Category.objects.filter(level=CategoryLevel.FAULT_TYPE, is_active=True)
        .select_related("parent__parent")
        .order_by("parent__parent__sort_order", "parent__sort_order", "sort_order", "name")
    )
    groups: dict[str, list] = {}
    for fault in faults:
        group = fault.parent.path() if fault.parent_id else gettext("Other")
        groups.setdefault(group, []).append((fault.pk, fault.name))
    return [("", gettext("— choose —")), *groups.items()]


class RecordForm(forms.Form):
    """The fields a writer edits; numbers, status and counts belong to the services."""

    title = forms.CharField(label=_("Title"), max_length=200)
    fault_type = forms.TypedChoiceField(
        label=_("Fault type"),
        coerce=int,
        empty_value=None,
        help_text=_("Problem type / system type / fault type, as on work orders."),
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    symptom = forms.CharField(
        label=_("Symptom"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cause = forms.CharField(
        label=_("Cause"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    solution = forms.CharField(label=_("Solution"), widget=forms.Textarea(attrs={"rows": 6}))
    related_numbers = forms.CharField(
        label=_("Related form numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Work orders, problems or changes, one per line or comma separated."),
    )
    source_work_order_number = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput
    )
    # The lock_version the page showed: a stale one gets the "reload" message.
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fault_type"].choices = fault_type_choices()

    def clean_fault_type(self):
        pk = self.cleaned_data["fault_type"]
        if pk is None:
            return None
        category = Category.objects.filter(pk=pk, level=CategoryLevel.FAULT_TYPE).first()
        if category is None:
            raise forms.ValidationError(gettext("Choose a fault type from the list."))
        return category

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "fault_type",
                "audience",
                "symptom",
                "cause",
                "solution",
                "related_numbers",
            )
        }


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
    from_report = forms.BooleanField(required=False)


class MergeForm(forms.Form):
    duplicate = forms.CharField(max_length=64)


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Search"), "class": "form-control"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
