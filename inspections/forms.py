from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cmdb.choices import SealStatus
from cmdb.models import CIClass
from servicedesk.choices import Role
from servicedesk.models import Department, Location

from .choices import ItemResult, RunResult


class PlanForm(forms.Form):
    period = forms.DateField(
        label=_("Month"),
        help_text=_("Any day of the month inspected."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("What is inspected"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    resources = forms.CharField(
        label=_("Resources needed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=Location.objects.select_related("building"),
        required=False,
        help_text=_("Empty: every location."),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"), queryset=Department.objects.all(), required=False
    )
    ci_classes = forms.ModelMultipleChoiceField(
        label=_("Classes"), queryset=CIClass.objects.all(), required=False
    )
    engineers = forms.ModelMultipleChoiceField(
        label=_("Engineers"),
        queryset=get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.ENGINEER, Role.SUPERVISOR])
        .distinct()
        .select_related("person"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineers"].label_from_instance = lambda u: (
            getattr(getattr(u, "person", None), "name", "") or u.get_username()
        )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReportForm(forms.Form):
    evaluation = forms.CharField(
        label=_("Evaluation"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    suggestions = forms.CharField(
        label=_("Suggestions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class RecordForm(forms.Form):
    """One device's record: a result, note and photo per checklist item, then what was seen."""

    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    observed_responsible = forms.CharField(
        label=_("Responsible user seen (login name)"), max_length=150, required=False
    )
    observed_location = forms.ModelChoiceField(
        label=_("Location seen"), queryset=Location.objects.none(), required=False
    )
    observed_ip = forms.GenericIPAddressField(label=_("IP address seen"), required=False)
    observed_seal = forms.ChoiceField(
        label=_("Tamper seal seen"), choices=[("", "—"), *SealStatus.choices], required=False
    )
    software = forms.CharField(
        label=_("Office software in use"),
        help_text=_("One product per line (the monthly office-software census)."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, items, ci, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        building = ci.location.building_id if ci.location_id else None
        self.fields["observed_location"].queryset = Location.objects.filter(
            Q(building_id=building) if building else Q()
        ).select_related("building")
        for item in self.items:
            self.fields[f"result_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ItemResult.choices,
                initial=ItemResult.PASS,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), max_length=500, required=False
            )
            self.fields[f"photo_{item.pk}"] = forms.FileField(
                label=_("Photo"),
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/*", "capture": "environment"}
                ),
            )

    def item_rows(self):
        return [
            (item, self[f"result_{item.pk}"], self[f"note_{item.pk}"], self[f"photo_{item.pk}"])
            for item in self.items
        ]

    def clean_observed_responsible(self):
        value = self.cleaned_data["observed_responsible"].strip()
        if not value:
            return None
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise forms.ValidationError(
                _("No user has the login name “%(name)s”.") % {"name": value}
            )
        return user


class BackupRunForm(forms.Form):
    performed_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=RunResult.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    size_gb = forms.DecimalField(
        label=_("Size (GB)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )
    location = forms.CharField(
        label=_("Stored at"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class RestoreTestForm(forms.Form):
    tested_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    result = forms.ChoiceField(
        label=_("Result"),
        choices=RunResult.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
