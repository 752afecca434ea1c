import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incidents.filters import StaffChoiceField
from incidents.forms import category_choices
from servicedesk.choices import Role

from .choices import FishboneCategory, ParetoBasis

_text = {"class": "form-control"}
_select = {"class": "form-select"}


def split_tokens(text: str) -> list[str]:
    """Numbers or asset tags typed one per line, or separated by commas or spaces."""
    return [t for t in re.split(r"[\s,，;；]+", text or "") if t]


def supervisors():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
        .select_related("person")
        .distinct()
        .order_by("person__name", "username")
    )


class AssetTagField(forms.CharField):
    """One configuration item by its asset tag (what is printed on its label)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        from cmdb.models import ConfigurationItem

        item = ConfigurationItem.objects.filter(asset_tag__iexact=value.strip()).first()
        if item is None:
            raise forms.ValidationError(
                gettext("No item with the asset tag %(tag)s.") % {"tag": value[:50]}
            )
        return item


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=_text))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 4})
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    device = AssetTagField(label=_("Device (asset tag)"), required=False, max_length=50)
    owner = StaffChoiceField(label=_("Owner"), queryset=None, required=False)
    work_orders = forms.ModelMultipleChoiceField(
        label=_("Work orders to link"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, work_orders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["owner"].queryset = supervisors()
        if work_orders is None:
            del self.fields["work_orders"]
        else:
            self.fields["work_orders"].queryset = work_orders
            self.fields["work_orders"].label_from_instance = lambda wo: f"{wo.number} {wo.title}"

    def clean_category(self):
        from servicedesk.models import Category

        pk = self.cleaned_data["category"]
        return Category.objects.filter(pk=pk).first() if pk else None


class _VersionForm(forms.Form):
    # The lock_version the page showed: a stale one gets the "reload" message.
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(_VersionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class RootCauseForm(_VersionForm):
    root_cause = forms.CharField(
        label=_("Root cause"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )


class WorkaroundForm(_VersionForm):
    workaround = forms.CharField(
        label=_("Workaround"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    public = forms.BooleanField(
        label=_("End users may read it in the knowledge base"), required=False, initial=True
    )


class ResolveForm(_VersionForm):
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )


class LinkForm(forms.Form):
    numbers = forms.CharField(
        label=_("Work order numbers"),
        help_text=_("One per line, or separated by commas."),
        widget=forms.Textarea(attrs={**_text, "rows": 2}),
    )

    def clean_numbers(self):
        from incidents.models import WorkOrder

        numbers = split_tokens(self.cleaned_data["numbers"])
        found = list(WorkOrder.objects.filter(number__in=numbers))
        missing = sorted(set(numbers) - {wo.number for wo in found})
        if missing:
            raise forms.ValidationError(
                gettext("No work order numbered %(numbers)s.") % {"numbers": ", ".join(missing)}
            )
        return found


class FishboneForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=FishboneCategory.choices)
    text = forms.CharField(label=_("Cause"), max_length=200, widget=forms.TextInput(attrs=_text))


class ParetoForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    basis = forms.ChoiceField(
        label=_("Count"), choices=ParetoBasis.choices, initial=ParetoBasis.CATEGORY
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(gettext("The period ends before it starts."))
        return data
