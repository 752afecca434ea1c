"""Input parsing for the emergency pages; the rules themselves live in the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from servicedesk.choices import ApprovalBody

from .choices import (
    ApprovalChannel,
    DrillKind,
    DrillResult,
    EmergencyType,
    FacilityIncidentKind,
    Outcome,
    ReportPeriod,
    ResourceKind,
    Severity,
    TeamRole,
)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        name = getattr(person, "name", "") or user.get_username()
        return f"{name} ({user.get_username()})"


def _users():
    return (
        get_user_model()
        .objects.filter(is_active=True, person__isnull=False)
        .select_related("person")
        .order_by("person__name")
    )


BLANK = [("", "—")]


class StyledForm(forms.Form):
    """Bootstrap's small controls on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class DeclareForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=BLANK + EmergencyType.choices, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    scope = forms.CharField(
        label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    commander = UserChoiceField(label=_("Incident commander"), queryset=_users(), required=False)
    cause = forms.CharField(
        label=_("Cause (as far as known)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    service_tag = forms.CharField(
        label=_("Failed service (asset tag)"),
        max_length=64,
        required=False,
        help_text=_("Its CMDB impact gives the affected users and departments."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commander"].queryset = _users()

    def clean_service_tag(self):
        from cmdb.models import ConfigurationItem

        tag = self.cleaned_data["service_tag"].strip()
        if not tag:
            return None
        service = ConfigurationItem.objects.filter(asset_tag=tag).first()
        if service is None:
            raise forms.ValidationError(_("No configuration item with this asset tag."))
        return service


class OralApprovalForm(StyledForm):
    approver = UserChoiceField(label=_("Approved by"), queryset=_users())
    channel = forms.ChoiceField(label=_("Channel"), choices=ApprovalChannel.choices)
    approved_at = forms.DateTimeField(
        label=_("Approved at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = _users().filter(
            person__approval_body=ApprovalBody.INFORMATION_CENTRE
        )


class TeamMemberForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=TeamRole.choices)
    user = UserChoiceField(label=_("User"), queryset=_users(), required=False)
    name = forms.CharField(label=_("Or name (outside person)"), max_length=100, required=False)
    vendor = forms.ModelChoiceField(
        label=_("Or vendor (supplier representative)"), queryset=None, required=False
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        from repairs.models import Vendor

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _users()
        self.fields["vendor"].queryset = (
            Vendor.objects.filter(is_active=True).select_related("supplier").order_by("code")
        )


class TextForm(StyledForm):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EntryForm(StyledForm):
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    on_site = forms.BooleanField(label=_("On site"), required=False)
    signed_by = forms.CharField(label=_("Customer sign-off by"), max_length=100, required=False)


class AttachForm(StyledForm):
    work_order = forms.CharField(label=_("Work order number"), max_length=64)


class OutageForm(StyledForm):
    service_name = forms.CharField(label=_("Service"), max_length=200, required=False)
    started_at = forms.DateTimeField(
        label=_("Down from"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label=_("Restored at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    cause = forms.CharField(label=_("Cause"), max_length=500, required=False)


class ResourceForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    description = forms.CharField(
        label=_("What is needed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    from_whom = forms.CharField(label=_("From whom"), max_length=200, required=False)
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    model_spec = forms.CharField(label=_("Model / specification"), max_length=200, required=False)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    cost = forms.DecimalField(
        label=_("Cost (yuan)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )


class ChangeForm(StyledForm):
    summary = forms.CharField(label=_("Summary"), max_length=200)
    implementation_plan = forms.CharField(
        label=_("Implementation plan"), widget=forms.Textarea(attrs={"rows": 2})
    )
    rollback_plan = forms.CharField(
        label=_("Rollback plan"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EvaluationForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    opinion = forms.CharField(
        label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    problem_title = forms.CharField(
        label=_("Problem to open (title)"), max_length=200, required=False
    )
    change_summary = forms.CharField(
        label=_("Change to raise (summary)"), max_length=200, required=False
    )
    follow_up = forms.CharField(label=_("Follow-up task"), max_length=300, required=False)
    follow_up_assignee = UserChoiceField(label=_("Assigned to"), queryset=_users(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_assignee"].queryset = _users()


class ReportForm(StyledForm):
    period = forms.ChoiceField(label=_("Period"), choices=ReportPeriod.choices)
    starts_on = forms.DateField(
        label=_("First month"), widget=forms.DateInput(attrs={"type": "date"})
    )
    problems_and_suggestions = forms.CharField(
        label=_("Problems and suggestions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


def _text_area(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class DrillForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + DrillKind.choices, required=False)
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    scenario = forms.CharField(label=_("Scenario"), widget=_text_area(), required=False)
    participants = forms.CharField(
        label=_("Participants"),
        widget=_text_area(),
        required=False,
        help_text=_("One person per line."),
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=BLANK + DrillResult.choices, required=False
    )
    findings = forms.CharField(label=_("Findings"), widget=_text_area(), required=False)
    improvements = forms.CharField(label=_("Improvements"), widget=_text_area(2), required=False)


class FacilityIncidentForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=BLANK + FacilityIncidentKind.choices, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ended_at = forms.DateTimeField(
        label=_("Over at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Where"), max_length=200, required=False)
    description = forms.CharField(label=_("What happened"), widget=_text_area(), required=False)
    cause = forms.CharField(label=_("Cause"), widget=_text_area(2), required=False)
    losses = forms.CharField(label=_("Losses"), widget=_text_area(2), required=False)
    actions = forms.CharField(label=_("Actions taken"), widget=_text_area(), required=False)
    prevention = forms.CharField(
        label=_("Prevention and improvements"), widget=_text_area(2), required=False
    )


class FacilityReviewForm(StyledForm):
    comment = forms.CharField(label=_("Review comment"), widget=_text_area(2), required=False)


class FacilityReportForm(StyledForm):
    reported_to = forms.CharField(
        label=_("Reported to"),
        max_length=200,
        required=False,
        help_text=_("The authority above, e.g. the information centre or the head office."),
    )
