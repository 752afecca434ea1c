from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incidents.filters import StaffChoiceField
from problems.forms import split_tokens

from .choices import ChangeType, ReleaseType, Risk, TestResult
from .models import ChangeTemplate
from .selectors import implementers

_text = {"class": "form-control"}
_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _moment_field(label, *, required=False):
    return forms.DateTimeField(
        label=label, required=required, input_formats=_DATETIME_FORMATS, widget=DateTimeLocalInput()
    )


class _WindowCheck:
    """A planned window (planned_start, planned_end) must end after it starts."""

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end <= start:
            self.add_error("planned_end", gettext("The planned end must be after the start."))
        return data


class AssetTagsField(forms.CharField):
    """Configuration items by asset tag, one per line or separated by commas."""

    widget = forms.Textarea(attrs={**_text, "rows": 2})

    def clean(self, value):
        from cmdb.models import ConfigurationItem

        tags = split_tokens(super().clean(value))
        found = {
            i.asset_tag.upper(): i for i in ConfigurationItem.objects.filter(asset_tag__in=tags)
        }
        missing = [t for t in tags if t.upper() not in found]
        if missing:
            # asset_tag__in is case-sensitive on PostgreSQL: look the rest up one by one.
            for tag in list(missing):
                item = ConfigurationItem.objects.filter(asset_tag__iexact=tag).first()
                if item is not None:
                    found[item.asset_tag.upper()] = item
                    missing.remove(tag)
        if missing:
            raise forms.ValidationError(
                gettext("No item with the asset tag %(tags)s.") % {"tags": ", ".join(missing)}
            )
        return list(found.values())


class ProblemNumbersField(forms.CharField):
    def clean(self, value):
        from problems.models import Problem

        numbers = split_tokens(super().clean(value))
        found = list(Problem.objects.filter(number__in=numbers))
        missing = sorted(set(numbers) - {p.number for p in found})
        if missing:
            raise forms.ValidationError(
                gettext("No problem numbered %(numbers)s.") % {"numbers": ", ".join(missing)}
            )
        return found


class _EditLock:
    """An edit page carries the lock_version it was drawn from (hidden), so a save over
    someone else's newer one is refused instead of silently overwriting it."""

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["lock_version"] = forms.IntegerField(
                widget=forms.HiddenInput,
                error_messages={
                    "required": _(
                        "This page is out of date: reload it and make your changes again."
                    )
                },
            )

    def clean(self):
        data = super().clean()
        # A hidden field's error would not show next to it: say it above the form.
        errors = self._errors.pop("lock_version", None) if self._errors else None
        if errors:
            self.add_error(None, errors)
        return data

    def content(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "lock_version"}


class ChangeForm(_EditLock, _WindowCheck, forms.Form):
    summary = forms.CharField(label=_("Summary"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[(v, label) for v, label in ChangeType.choices if v != ChangeType.STANDARD],
        initial=ChangeType.NORMAL,
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices, initial=Risk.MEDIUM)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    affected_items = AssetTagsField(
        label=_("Affected items (asset tags)"),
        required=False,
        help_text=_("One per line, or separated by commas. The impact is listed on the change."),
    )
    problems = ProblemNumbersField(
        label=_("Problems fixed by this change"),
        required=False,
        widget=forms.TextInput(attrs=_text),
        help_text=_("Problem numbers, separated by commas."),
    )
    implementation_plan = forms.CharField(
        label=_("Implementation plan"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 4}),
    )
    test_plan = forms.CharField(
        label=_("Test plan"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    rollback_plan = forms.CharField(
        label=_("Rollback plan"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    planned_start = _moment_field(_("Planned start"))
    planned_end = _moment_field(_("Planned end"))
    owner = StaffChoiceField(label=_("Implementer"), queryset=None, required=False)

    def __init__(self, *args, template: ChangeTemplate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = implementers()
        if template is not None:
            # A standard change: its type is fixed by the template.
            del self.fields["type"]


class _VersionForm(forms.Form):
    # The lock_version the page showed: a stale one gets the "reload" message.
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class NoteForm(_VersionForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class AssessForm(_VersionForm):
    assessment = forms.CharField(
        label=_("Assessment (risk, impact, resources)"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 3}),
    )


class DecisionForm(_VersionForm):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class OutcomeForm(_VersionForm):
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class ReviewForm(_VersionForm):
    review_notes = forms.CharField(
        label=_("Post-implementation review"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )


# --- releases ---------------------------------------------------------------------------


class ChangeNumbersField(forms.CharField):
    """Bundled changes by number, separated by commas or spaces."""

    widget = forms.TextInput(attrs=_text)

    def clean(self, value):
        from .models import ChangeRequest

        numbers = split_tokens(super().clean(value))
        found = list(ChangeRequest.objects.filter(number__in=numbers))
        missing = sorted(set(numbers) - {c.number for c in found})
        if missing:
            raise forms.ValidationError(
                gettext("No change numbered %(numbers)s.") % {"numbers": ", ".join(missing)}
            )
        return found


class ReleaseForm(_EditLock, _WindowCheck, forms.Form):
    application = forms.CharField(
        label=_("Application or system"),
        max_length=100,
        help_text=_("e.g. 办公套件, 登记系统, 公文系统"),
    )
    release_version = forms.CharField(label=_("Version"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(
        label=_("Type"), choices=ReleaseType.choices, initial=ReleaseType.MINOR
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    changes = ChangeNumbersField(
        label=_("Bundled changes"),
        required=False,
        help_text=_("Change numbers, separated by commas."),
    )
    items = AssetTagsField(
        label=_("Configuration items (asset tags)"),
        required=False,
        help_text=_(
            "One per line, or separated by commas. With the bundled changes' items they make "
            "the affected items and users."
        ),
    )
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices, initial=Risk.MEDIUM)
    risk_assessment = forms.CharField(
        label=_("Risk assessment"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 3}),
    )
    deployment_plan = forms.CharField(
        label=_("Deployment plan"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 4}),
    )
    rollback_plan = forms.CharField(
        label=_("Rollback plan"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    planned_start = _moment_field(_("Planned start"))
    planned_end = _moment_field(_("Planned end"))
    manager = StaffChoiceField(label=_("Release manager"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = implementers()


class ReleaseTestForm(_VersionForm):
    case = forms.CharField(label=_("Test case (what was tested)"), max_length=200)
    environment = forms.CharField(
        label=_("Environment"),
        max_length=100,
        required=False,
        help_text=_("e.g. 测试机, 仿真数据库"),
    )
    result = forms.ChoiceField(label=_("Result"), choices=TestResult.choices)
    tested_at = forms.DateTimeField(
        label=_("Tested at"),
        required=False,
        input_formats=_DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for now."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class RescheduleForm(NoteForm):
    planned_start = _moment_field(_("Planned start"), required=True)
    planned_end = _moment_field(_("Planned end"), required=True)

    field_order = ["planned_start", "planned_end", "note"]


class CancelForm(_VersionForm):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={**_text, "rows": 2}))


# --- requests for change from users and the desk (changes.requests) ---------------------


class ChangeRequestForm(forms.Form):
    """What a user or the desk asks for: what should change, why, and by when."""

    summary = forms.CharField(
        label=_("What should change"), max_length=200, widget=forms.TextInput(attrs=_text)
    )
    reason = forms.CharField(
        label=_("Why is it needed"), widget=forms.Textarea(attrs={**_text, "rows": 4})
    )
    needed_by = forms.DateField(
        label=_("Needed by"),
        required=False,
        widget=forms.DateInput(attrs={**_text, "type": "date"}, format="%Y-%m-%d"),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TakeUpForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Implementer"),
        queryset=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = implementers()
        self.fields["owner"].label_from_instance = lambda u: (
            getattr(getattr(u, "person", None), "name", "") or u.get_username()
        )


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea(attrs={**_text, "rows": 2})
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
