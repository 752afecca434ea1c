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
