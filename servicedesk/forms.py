from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Person


class ProfileForm(forms.ModelForm):
    """What people may change about themselves: how the desk reaches them."""

    email = forms.EmailField(label=_("Email"), required=False)

    class Meta:
        model = Person
        fields = ["phone", "mobile"]
        widgets = {
            # autocomplete: the person's own numbers, which browsers may fill in (WCAG 1.3.5).
            "phone": forms.TextInput(
                attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "work tel"}
            ),
            "mobile": forms.TextInput(
                attrs={"class": "form-control", "inputmode": "tel", "autocomplete": "mobile tel"}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.user.email
        self.fields["email"].widget.attrs.update({"class": "form-control", "autocomplete": "email"})
        self.order_fields(["phone", "mobile", "email"])


class CalendarNoticeForm(forms.Form):
    """The State Council's holiday notice for a year, typed in one step."""

    notice = forms.CharField(
        label=_("Notice"),
        max_length=200,
        required=False,
        help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    holidays = forms.CharField(
        label=_("Days off"),
        help_text=_("One line each: 2027-02-05..2027-02-11 春节 or 2027-04-05 清明节."),
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 8}),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        required=False,
        help_text=_("One line each: 2027-02-14 春节调休."),
        widget=forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 4}),
    )


_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class _DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", attrs={"class": "form-control"}, **kwargs)


class OnCallShiftForm(forms.Form):
    """One rota entry: who, phone or on site, from when until when."""

    user = forms.ModelChoiceField(
        label=_("Person on call"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    role = forms.ChoiceField(
        label=_("On-call role"), widget=forms.Select(attrs={"class": "form-select"})
    )
    starts_at = forms.DateTimeField(
        label=_("From"), input_formats=_DATETIME_FORMATS, widget=_DateTimeLocalInput()
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), input_formats=_DATETIME_FORMATS, widget=_DateTimeLocalInput()
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from .choices import OnCallRole
        from .oncall import ROTA_ROLES

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[str(r) for r in ROTA_ROLES])
            .select_related("person")
            .distinct()
            .order_by("person__name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: (
            getattr(getattr(u, "person", None), "name", "") or u.get_username()
        )
        self.fields["role"].choices = OnCallRole.choices
