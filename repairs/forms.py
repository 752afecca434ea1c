"""Page forms: they parse input; the services decide and refuse."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cmdb.choices import CIStatus
from cmdb.models import ConfigurationItem, Supplier
from servicedesk.choices import Role
from servicedesk.models import ServiceLevel

from .choices import BlacklistKind, DataHandling, ProblemType, RepairKind
from .models.vendor_orders import PRIORITIES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _when(label):
    return forms.DateTimeField(
        label=label, required=False, widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty for now."),
    )  # fmt: skip


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        person = getattr(obj, "person", None)
        return person.name if person is not None else obj.get_username()


def _workers():
    return (
        get_user_model().objects.filter(
            is_active=True, groups__name__in=[Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR]
        ).select_related("person").distinct().order_by("person__name")
    )  # fmt: skip


def _offer(field, vendors, offered) -> None:
    """Validate against every visible vendor but offer only `offered` (the eligible ones):
    a form opened before a vendor was blacklisted then reaches the service, whose refusal
    names the blacklist entry, instead of a bare "not a valid choice"."""
    field.queryset = vendors
    field.widget.choices = [("", field.empty_label), *((v.pk, str(v)) for v in offered)]


class LockedForm(forms.Form):
    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class RepairForm(forms.Form):
    fault = forms.CharField(label=_("Fault"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(
        label=_("Repair type"), choices=RepairKind.choices, widget=forms.RadioSelect
    )
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=None)
    repair_point = forms.CharField(
        label=_("Repair point"), required=False, max_length=200,
        help_text=_("Empty: the vendor's repair point."),
    )  # fmt: skip
    carrier = PersonChoiceField(label=_("Taken by"), queryset=None)
    planned_send_on = forms.DateField(label=_("Planned sending date"), widget=DateInput())
    data_handling = forms.ChoiceField(
        label=_("Data security"), choices=DataHandling.choices, widget=forms.RadioSelect
    )
    data_record = forms.CharField(
        label=_("Data security record"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How the storage was wiped, or which seal numbers were used."),
    )  # fmt: skip
    consent_by = forms.CharField(label=_("User's consent given by"), required=False, max_length=50)
    spare_tag = forms.CharField(
        label=_("Spare unit lent (asset tag)"), required=False, max_length=50,
        help_text=_("A CMDB item with the status “spare”, lent to the user until the return."),
    )  # fmt: skip

    def __init__(self, *args, vendors, offered, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["vendor"], vendors, offered)
        self.fields["carrier"].queryset = _workers()

    def clean_spare_tag(self):
        tag = self.cleaned_data["spare_tag"].strip()
        if not tag:
            return None
        spare = ConfigurationItem.objects.filter(asset_tag__iexact=tag).first()
        if spare is None:
            raise forms.ValidationError(_("No asset with this tag."))
        if spare.status != CIStatus.SPARE:
            raise forms.ValidationError(_("This asset is not a spare unit in stock."))
        return spare


class SendForm(LockedForm):
    sent_at = _when(_("Left at"))


class ReturnForm(LockedForm):
    returned_at = _when(_("Back at"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cost = forms.DecimalField(
        label=_("Repair charge (yuan)"), required=False, min_value=0, max_digits=10,
        decimal_places=2, help_text=_("Empty: nothing charged (in warranty or within the contract)."),
    )  # fmt: skip


class WarrantyForm(forms.Form):
    """The warranty the vendor gives on the repair (recorded on the device in the CMDB)."""

    new_end = forms.DateField(label=_("New warranty end"), widget=DateInput)
    terms = forms.CharField(
        label=_("Warranty terms"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))


class VendorOrderForm(forms.Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=None)
    product = forms.CharField(label=_("Product"), max_length=200)
    problem_description = forms.CharField(
        label=_("Problem description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    problem_type = forms.ChoiceField(label=_("Problem type"), choices=ProblemType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITIES)
    service_level = forms.ModelChoiceField(
        label=_("Service level"), queryset=ServiceLevel.objects.all()
    )
    requirements = forms.CharField(
        label=_("Service requirements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    required_by = forms.DateField(label=_("Required by"), required=False, widget=DateInput())

    def __init__(self, *args, vendors, offered, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self.fields["vendor"], vendors, offered)


class VendorOrderEditForm(VendorOrderForm, LockedForm):
    pass


class ReviewForm(LockedForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Return for revision")),
            ("decline", _("Do not use a vendor: to problem management")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problem_number = forms.CharField(
        label=_("Link to problem (number)"), required=False, max_length=64,
        help_text=_("Empty: a new problem is opened."),
    )  # fmt: skip


class SignForm(LockedForm):
    name = forms.CharField(label=_("Signed for by"), required=False, max_length=50)
    signed_at = _when(_("Signed at"))


class ResultForm(LockedForm):
    handling = forms.CharField(label=_("Handling"), widget=forms.Textarea(attrs={"rows": 3}))
    advice = forms.CharField(
        label=_("Advice"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmForm(LockedForm):
    name = forms.CharField(label=_("Confirmed by (client)"), required=False, max_length=50)
    confirmed_at = _when(_("Confirmed at"))


class VerifyForm(LockedForm):
    passed = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[("1", _("Passed")), ("0", _("Failed: back to the vendor"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when it fails: recorded as a nonconformance."),
    )  # fmt: skip


class ApplicationForm(forms.Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Application"), choices=BlacklistKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors


class ApplicationEditForm(LockedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 5}))


class DecideForm(LockedForm):
    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PartForm(forms.Form):
    part = forms.CharField(label=_("Part"), max_length=200)


class QuoteForm(forms.Form):
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.all())
    part = forms.CharField(label=_("Part offered"), max_length=200)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=10, decimal_places=2)
    lead_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)


class ChooseForm(LockedForm):
    quote = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("Chosen by (user)"), required=False, max_length=50)
