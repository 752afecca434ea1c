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
            "phone": forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
            "mobile": forms.TextInput(attrs={"class": "form-control", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = self.instance.user.email
        self.fields["email"].widget.attrs["class"] = "form-control"
        self.order_fields(["phone", "mobile", "email"])
