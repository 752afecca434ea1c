"""A searchable person field: type part of a name, phone or username instead of scrolling
a select of every account (a spare-unit loan's borrower, a device's responsible user).

Without scripts it is a text field taking a username or a full name that only one person
has. With htmx (on every page), what is typed fetches matching people
(servicedesk:person_pick) as buttons; choosing one has the server draw the field again
with that username in it and the person's name under it, the knowledge picker's pattern.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Person


class PersonPickInput(forms.TextInput):
    template_name = "servicedesk/widgets/person_pick.html"
    chosen = ""  # "王芳 · 财务处" under the field once someone was picked

    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "spellcheck": "false", "class": "form-control", **(attrs or {})}
        )

    def format_value(self, value):
        # A bound field's initial may be the user itself, or its pk from a model form.
        user_model = get_user_model()
        if isinstance(value, user_model):
            return value.get_username()
        if isinstance(value, int):
            user = user_model.objects.filter(pk=value).only("username").first()
            return user.get_username() if user else ""
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        field_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = field_id
        widget["attrs"].update(
            {
                "hx-get": reverse("servicedesk:person_pick"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{field_id}-choices",
                "hx-sync": "this:replace",
                # The picker's answers redraw this field by its name and id.
                "hx-vals": f'{{"field": "{name}", "field_id": "{field_id}"}}',
            }
        )
        widget["chosen"] = self.chosen
        return context


def person_label(user) -> str:
    person = getattr(user, "person", None)
    if person is None:
        return user.get_username()
    department = person.department.name if person.department_id else ""
    return " · ".join(part for part in (person.name, department) if part)


class PersonPickField(forms.Field):
    """The user whose username (or unique full name) was typed; active accounts only."""

    widget = PersonPickInput
    default_error_messages = {
        "unknown": _("No one is called “%(value)s”. Type part of the name and pick from the list."),
        "ambiguous": _(
            "Several people are called “%(value)s”. Pick from the list or type the username."
        ),
    }

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        users = get_user_model().objects.filter(is_active=True).select_related("person")
        user = users.filter(username__iexact=value).first()
        if user is not None:
            return user
        named = list(
            Person.objects.filter(name=value, user__is_active=True).values_list(
                "user_id", flat=True
            )[:2]
        )
        if len(named) > 1:
            raise forms.ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": value}
            )
        if not named:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        return users.get(pk=named[0])

    def prepare_value(self, value):
        if isinstance(value, get_user_model()):
            return value.get_username()
        return value
