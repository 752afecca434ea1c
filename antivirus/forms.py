from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Department

from .choices import ImportKind, ProtectionState
from .import_fields import FIELDS
from .models import MappingProfile, NetworkSegment

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class EndpointFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    segment = forms.ModelChoiceField(
        label=_("Network segment"), queryset=NetworkSegment.objects.all(), required=False
    )
    product = forms.ChoiceField(label=_("Product"), required=False)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *ProtectionState.choices], required=False
    )
    problems = forms.BooleanField(label=_("Only problems"), required=False)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("Any product")), *[(p, p) for p in products]]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    profile = forms.ModelChoiceField(
        label=_("Console layout"),
        queryset=MappingProfile.objects.filter(is_active=True),
        required=False,
        empty_label=_("Recognise from the header"),
    )
    file = forms.FileField(
        label=_("Console export (CSV)"),
        help_text=_("UTF-8, UTF-8 with BOM or GBK; large files are imported in the background."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return file


class MappingForm(forms.Form):
    name = forms.CharField(label=_("Profile name"), max_length=100)
    product = forms.CharField(label=_("Product"), max_length=100)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *[(h, h) for h in record.headers]]
        for field in FIELDS[record.kind]:
            self.fields[f"col_{field.key}"] = forms.ChoiceField(
                label=field.label, choices=choices, required=field.required
            )

    def columns(self) -> dict:
        return {
            key.removeprefix("col_"): value
            for key, value in self.cleaned_data.items()
            if key.startswith("col_") and value
        }


class ScanForm(forms.Form):
    file = forms.FileField(
        label=_("Segment scan"), help_text=_("nmap -sn -oX output, or a CSV with an IP column.")
    )


class EvaluationForm(forms.Form):
    causes = forms.CharField(
        label=_("Infection causes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    recommendations = forms.CharField(
        label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class ReinstallForm(forms.Form):
    work_order = forms.CharField(label=_("Work order number"), max_length=64)
    reason = forms.CharField(
        label=_("Why it cannot be cleaned"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)
