"""Input parsing for the quality pages; the rules themselves live in the services."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from servicedesk.choices import Role
from servicedesk.models import Department

from .choices import QuestionKind
from .models import Survey


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return getattr(person, "name", "") or user.get_username()


class UsersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return getattr(person, "name", "") or user.get_username()


def staff_users():
    """The service team: who attends the weekly review and owns its actions."""
    staff = [Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=staff)
        .select_related("person")
        .distinct()
        .order_by("person__name", "username")
    )


class StyledForm(forms.Form):
    """Bootstrap's small controls on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RoundForm(StyledForm):
    survey = forms.ModelChoiceField(
        label=_("Survey"), queryset=Survey.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. 2026 Q3"))
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
        help_text=_("Leave empty to invite every end user."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class AnswerForm(forms.Form):
    """One field per question of the survey, named q<pk>; the service checks the answers."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == QuestionKind.RATING:
                field = forms.ChoiceField(
                    choices=[(str(n), str(n)) for n in range(1, 6)], widget=forms.RadioSelect
                )
            elif question.kind == QuestionKind.CHOICE:
                options = question.option_list
                field = forms.ChoiceField(
                    choices=[(o, o) for o in options], widget=forms.RadioSelect
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                    max_length=5000,
                )
            field.label = question.text
            field.required = question.required
            field.question = question
            self.fields[name] = field

    def answers(self) -> dict:
        return {q.pk: self.data.get(f"q{q.pk}", "") for q in self.questions}


WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


class WeekField(forms.CharField):
    """An ISO week as the browser's week input sends it: 2026-W36 → (2026, 36)."""

    widget = forms.TextInput(attrs={"type": "week"})

    def clean(self, value):
        value = super().clean(value)
        match = WEEK.match((value or "").strip())
        if not match:
            raise forms.ValidationError(_("Enter a week as 2026-W36."))
        return int(match.group(1)), int(match.group(2))


class ReviewForm(StyledForm):
    week = WeekField(label=_("Week"))
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    attendees = UsersChoiceField(
        label=_("Attendees"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    other_attendees = forms.CharField(label=_("Other attendees"), max_length=300, required=False)
    threshold = forms.IntegerField(
        label=_("List ratings at or below"),
        min_value=1,
        max_value=5,
        help_text=_("Work orders the user rated this low (1 to 5) are listed for discussion."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff_users()


class ReviewUpdateForm(StyledForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    attendees = UsersChoiceField(
        label=_("Attendees"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    other_attendees = forms.CharField(label=_("Other attendees"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff_users()


class CauseForm(StyledForm):
    cause = forms.CharField(
        label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ActionForm(StyledForm):
    item = forms.TypedChoiceField(label=_("For item"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(
        label=_("Improvement action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = UserChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()
        self.fields["item"].choices = [("", _("The week as a whole"))] + [
            (item.pk, item.label) for item in items
        ]


class DoneForm(StyledForm):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
