from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Department, Location
from servicedesk.widgets import PersonPickField

from .choices import CIStatus, ImportMode, SealStatus, WarrantyStatus
from .labels import LAYOUTS
from .models import CensusCampaign, CIClass
from .services.imports import ATTRIBUTE_PREFIX


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
        self.fields["id"].valid_value = lambda value: str(value).isdecimal()


# --- Import --------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "CSV (UTF-8 or GBK, as Excel saves it) or Excel .xlsx; the first row holds the "
            "column headers."
        ),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".csv,.xlsx,.txt"}
        ),
    )


class ImportMappingForm(forms.Form):
    """One select per importable field: which column of the file holds it."""

    def __init__(self, *args, headers, fields, initial_mapping, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (str(index), header) for index, header in enumerate(headers)
        ]
        for spec in fields:
            index = initial_mapping.get(spec.key)
            self.fields[spec.key] = forms.ChoiceField(
                label=spec.label,
                choices=choices,
                required=spec.key == "asset_tag",
                initial="" if index is None else str(index),
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping(self) -> dict:
        return {
            key: int(value) for key, value in self.cleaned_data.items() if value not in ("", None)
        }

    def fixed_fields(self):
        return [self[name] for name in self.fields if not name.startswith(ATTRIBUTE_PREFIX)]

    def attribute_fields(self):
        return [self[name] for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]


class ImportApplyForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to apply"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )


# --- Census --------------------------------------------------------------------------


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
            widget.attrs.setdefault("size", "6")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class CensusForm(forms.ModelForm):
    class Meta:
        model = CensusCampaign
        fields = ["name", "departments", "locations", "due_date", "include_accessories"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "departments": _("Leave empty for every department."),
            "locations": _("Leave empty for every location; choose a floor's rooms for a floor."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locations"].queryset = Location.objects.select_related("building")
        self.fields["departments"].queryset = Department.objects.filter(is_active=True)
        _style(self)


def _user_choices():
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("person")
        .order_by("person__name", "username")
    )


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        person = getattr(obj, "person", None)
        return f"{person.name} ({obj.username})" if person else obj.username


class CensusScanForm(forms.Form):
    at = forms.ModelChoiceField(
        label=_("Where you are"),
        queryset=Location.objects.select_related("building"),
        required=False,
        empty_label=_("— choose the room —"),
    )
    tag = forms.CharField(label=_("Asset tag"), max_length=50)

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if locations is not None:
            self.fields["at"].queryset = locations
        _style(self)


class CensusChangeForm(forms.Form):
    responsible = _UserChoiceField(
        label=_("Actual responsible user"), queryset=Location.objects.none(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Actual department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    note = forms.CharField(label=_("What differs"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _user_choices()
        _style(self)


class CensusUnknownForm(forms.Form):
    tag = forms.CharField(label=_("Asset tag"), max_length=50)
    name = forms.CharField(label=_("Asset name"), max_length=200)
    ci_class = forms.ModelChoiceField(label=_("Class"), queryset=CIClass.objects.order_by("name"))
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


# --- Spares and baselines ---------------------------------------------------------------


class RequisitionForm(forms.Form):
    stock = forms.ModelChoiceField(label=_("Part and store"), queryset=Location.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000, initial=1)
    work_order_number = forms.CharField(label=_("Work order number"), max_length=64)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from .models import Stock

        super().__init__(*args, **kwargs)
        self.fields["stock"].queryset = Stock.objects.select_related(
            "part_type", "location__building"
        )
        self.fields["stock"].label_from_instance = lambda s: (
            _("%(part)s @ %(location)s (%(n)s in stock)")
            % {"part": s.part_type, "location": s.location, "n": s.quantity}
        )
        _style(self)


class RestockForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1, max_value=100_000)


class LoanForm(forms.Form):
    spare = forms.ModelChoiceField(label=_("Spare unit"), queryset=Location.objects.none())
    # A searchable field: a select of every account was 300 entries long.
    borrower = PersonPickField(
        label=_("Lent to"), help_text=_("Type part of the name, phone or username.")
    )
    device_in_repair = forms.ModelChoiceField(
        label=_("Device in repair"), queryset=Location.objects.none(), required=False
    )
    work_order_number = forms.CharField(label=_("Work order number"), max_length=64, required=False)
    due_back = forms.DateField(
        label=_("Due back"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from .models import ConfigurationItem

        super().__init__(*args, **kwargs)
        self.fields["spare"].queryset = ConfigurationItem.objects.filter(
            status=CIStatus.SPARE
        ).order_by("asset_tag")
        self.fields["device_in_repair"].queryset = ConfigurationItem.objects.filter(
            status=CIStatus.IN_REPAIR
        ).order_by("asset_tag")
        _style(self)


class BaselineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    ci_class = forms.ModelChoiceField(
        label=_("Class"), queryset=CIClass.objects.order_by("name"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        if not data.get("department") and not data.get("ci_class"):
            raise forms.ValidationError(_("Choose a department or a class."))
        return data


# What <input type="datetime-local"> shows and sends; Django's default would leave it empty.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class OutageForm(forms.Form):
    """The supervisor's outage record: a service CI, when it went down and came back."""

    service = forms.ModelChoiceField(label=_("Service"), queryset=CIClass.objects.none())
    started_at = forms.DateTimeField(
        label=_("Down from"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    ended_at = forms.DateTimeField(
        label=_("Restored at"),
        required=False,
        help_text=_("Leave empty while the service is still down."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    cause = forms.CharField(
        label=_("Cause"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        from .availability import service_items

        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = service_items().order_by("ci_class__name", "asset_tag")
        _style(self)


class CIFieldEditForm(forms.Form):
    """What the desk or an engineer corrects from the field, for a named work order."""

    work_order = forms.CharField(
        label=_("For work order"),
        max_length=64,
        help_text=_("The work order this change was made for; the change is noted on it."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    location = forms.ModelChoiceField(
        label=_("Location"),
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    responsible = PersonPickField(
        label=_("Responsible user"),
        required=False,
        help_text=_("Type part of the name, phone or username."),
    )
    ip_address = forms.GenericIPAddressField(label=_("IP address"), required=False)
    seal_status = forms.ChoiceField(label=_("Tamper seal"), choices=SealStatus.choices)
    seal_checked = forms.BooleanField(label=_("I checked the seal just now"), required=False)
    # When the page was drawn: a change saved since then is not overwritten unseen.
    seen = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ci, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "location": ci.location_id,
                "responsible": ci.responsible.get_username() if ci.responsible_id else "",
                "ip_address": ci.ip_address,
                "seal_status": ci.seal_status,
                "seen": ci.updated_at.isoformat(),
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.select_related("building").order_by(
            "building__name", "floor", "room"
        )
        _style(self)

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "location": data["location"],
            "responsible": data["responsible"],
            "ip_address": data["ip_address"] or None,
            "seal_status": data["seal_status"],
        }


# --- Lifecycle: ageing devices, spare demand, tools on site --------------------------------


class AgeingFilterForm(forms.Form):
    REASONS = [("", _("Any reason")), ("age", _("Past its age")), ("faults", _("Repeated faults"))]
    PROPOSED = [("", _("All")), ("yes", _("Replacement proposed")), ("no", _("Not proposed yet"))]

    ci_class = forms.ChoiceField(label=_("Class"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS, required=False)
    proposed = forms.ChoiceField(label=_("Proposal"), choices=PROPOSED, required=False)

    def __init__(self, *args, **kwargs):
        from .models import AgeingRule

        super().__init__(*args, **kwargs)
        self.fields["ci_class"].choices = [("", _("All classes"))] + [
            (rule.ci_class.code, rule.ci_class.name)
            for rule in AgeingRule.objects.select_related("ci_class").order_by("ci_class__name")
        ]
        _style(self)

    def selector_kwargs(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "ci_class": data["ci_class"],
            "reason": data["reason"],
            "proposed": {"yes": True, "no": False}.get(data["proposed"]),
        }


class ToolForm(forms.Form):
    name = forms.CharField(label=_("Tool"), max_length=100)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    stores_data = forms.BooleanField(
        label=_("Can store data"),
        required=False,
        help_text=_("USB disks, laptops, cloning tools: checked when brought in and taken out."),
    )
    owner = forms.ModelChoiceField(label=_("Owner engineer"), queryset=None, required=False)
    owner_company = forms.CharField(label=_("Owner company"), max_length=100, required=False)
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False
    )
    brought_in_on = forms.DateField(
        label=_("Brought in on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    check_in = forms.CharField(
        label=_("Check when brought in"),
        max_length=300,
        required=False,
        help_text=_(
            "For a tool that can store data: what was checked (e.g. empty, no client data)."
        ),
    )

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from servicedesk.choices import Role

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[Role.ENGINEER, Role.SUPERVISOR])
            .select_related("person")
            .distinct()
            .order_by("username")
        )
        self.fields["owner"].label_from_instance = lambda user: (
            getattr(getattr(user, "person", None), "name", "") or user.get_username()
        )
        self.fields["location"].queryset = Location.objects.select_related("building").order_by(
            "building__name", "floor", "room"
        )
        _style(self)


class ToolTakeOutForm(forms.Form):
    taken_out_on = forms.DateField(
        label=_("Taken out on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    check_out = forms.CharField(label=_("Check when taken out"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
