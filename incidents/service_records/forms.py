from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_text = {"class": "form-control"}
_select = {"class": "form-select"}
FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", attrs=_text, **kwargs)


class ServiceRecordForm(forms.Form):
    """What the engineer writes after a visit (the record's number comes from the order)."""

    arrived_at = forms.DateTimeField(
        label=_("Arrived at"), widget=DateTimeInput(), input_formats=FORMATS
    )
    left_at = forms.DateTimeField(label=_("Left at"), widget=DateTimeInput(), input_formats=FORMATS)
    work_done = forms.CharField(
        label=_("Work done"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    parts_used = forms.CharField(
        label=_("Other parts used"),
        required=False,
        help_text=_(
            "Parts not issued from the spare stock, one per line; the work order's spare "
            "requisitions are linked by themselves."
        ),
        widget=forms.Textarea(attrs={**_text, "rows": 2}),
    )

    @classmethod
    def for_record(cls, record, **kwargs):
        local = timezone.localtime
        initial = {
            "arrived_at": local(record.arrived_at),
            "left_at": local(record.left_at),
            "work_done": record.work_done,
            "parts_used": record.parts_used,
        }
        return cls(initial=initial, **kwargs)


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Remark (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=_text),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return to the engineer"))],
        widget=forms.Select(attrs=_select),
    )
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 2}),
    )
