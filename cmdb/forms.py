from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Department, Location

from .choices import CIStatus, WarrantyStatus
from .labels import LAYOUTS
from .models import CIClass


class CIFilterForm(forms.Form):
    """The item list's filters; invalid values are ignored rather than failing the page."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Tag, name, serial or IP address")}
        ),
    )
    ci_class = forms.ModelChoiceField(
        label=_("Class"), queryset=CIClass.objects.order_by("name"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *CIStatus.choices], required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("code"),
        required=False,
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.select_related("building"),
        required=False,
    )
    warranty = forms.ChoiceField(
        label=_("Warranty"),
        choices=[("", _("Any warranty")), *WarrantyStatus.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ci_class", "department", "location"):
            self.fields[name].empty_label = {
                "ci_class": _("All classes"),
                "department": _("All departments"),
                "location": _("All locations"),
            }[name]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )

    def selector_kwargs(self) -> dict:
        """Keyword arguments for selectors.ci_list from whatever validated."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", ""),
            "ci_class": data["ci_class"].pk if data.get("ci_class") else None,
            "status": data.get("status", ""),
            "department": data["department"].pk if data.get("department") else None,
            "location": data["location"].pk if data.get("location") else None,
            "warranty": data.get("warranty", ""),
        }


class LabelForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Layout"),
        choices=[(code, layout.name) for code, layout in LAYOUTS.items()],
        required=False,
    )
    id = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any ids: the selector decides which of them the user may print.
        self.fields["id"].valid_value = lambda value: str(value).isdigit()
