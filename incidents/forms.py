import uuid

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cmdb.models import ConfigurationItem
from cmdb.selectors import ci_find_by_tag
from knowledge.selectors import published_record_id
from servicedesk.models import Category, Team

from .attachments import MAX_FILES, attachment_validate
from .choices import CancelReason, HoldReason, Level3, ResponseMode, ServiceType
from .filters import StaffChoiceField, staff_users
from .widgets import CategoryCascadeSelect, KnowledgePickInput, PlainSelect

_text = {"class": "form-control"}
_select = {"class": "form-select"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked on its own and named in its error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise ValidationError(
                gettext("Attach at most %(max)d files at a time.") % {"max": MAX_FILES}
            )
        errors = []
        for upload in files:
            try:
                attachment_validate(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            errors.append(gettext("Nothing was saved. Please choose the files again."))
            raise ValidationError(errors)
        return files


def _active_categories() -> list[Category]:
    return Category.active()


def category_choices(categories=None):
    """Fault types grouped under “problem type / system type”, so one select works without JS."""
    categories = _active_categories() if categories is None else categories
    parents = {c.parent_id for c in categories if c.parent_id}
    groups: dict[str, list] = {}
    for category in categories:
        if category.pk in parents:
            continue  # not a leaf: chosen through its children
        group = category.parent.path() if category.parent_id else gettext("Other")
        groups.setdefault(group, []).append((category.pk, category.name))
    return [("", gettext("Not sure")), *sorted(groups.items())]


def category_tree(categories=None) -> dict:
    """The active categories as nested nodes, for the cascading picker (one step a level).

    Nodes are [id, name, children]; a node without children is what gets chosen. A
    category whose parent is inactive starts a tree of its own.
    """
    categories = _active_categories() if categories is None else categories
    active = {c.pk for c in categories}
    children: dict[int | None, list] = {}
    for category in categories:
        parent = category.parent_id if category.parent_id in active else None
        children.setdefault(parent, []).append(category)

    def nodes(parent):
        return [[c.pk, c.name, nodes(c.pk)] for c in children.get(parent, [])]

    return {
        "levels": [gettext("Problem type"), gettext("System type"), gettext("Fault type")],
        "empty": gettext("Not sure"),
        "choose": gettext("Choose…"),
        "nodes": nodes(None),
    }


class ReportForm(forms.Form):
    """The fault form (报障): what broke, on which device, how urgent, how to reach you."""

    category = forms.TypedChoiceField(
        label=_("What kind of fault"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=CategoryCascadeSelect(attrs=_select),
    )
    device = forms.ModelChoiceField(
        label=_("Device"),
        queryset=None,
        required=False,
        empty_label=_("— not listed / none —"),
        widget=forms.Select(attrs=_select),
    )
    asset_tag = forms.CharField(
        label=_("Or the asset tag on its label"),
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={
                **_text,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={**_text, "placeholder": _("e.g. the printer jams")}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 5}),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Level3.choices,
        initial=Level3.MEDIUM,
        widget=forms.Select(attrs=_select),
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=30,
        required=False,
        # The reporter's own number: browsers may fill it in (WCAG 1.3.5).
        widget=forms.TextInput(attrs={**_text, "inputmode": "tel", "autocomplete": "tel"}),
    )
    files = MultipleFileField(
        label=_("Photos or files"),
        help_text=_("Pictures, logs, PDF or office documents, up to 10 MB each."),
    )
    # Made when the form is shown; submitting the same form twice files one work order.
    filing_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("filing_key", uuid.uuid4().hex)
        categories = self._categories = _active_categories()
        self.fields["category"].choices = category_choices(categories)
        self.fields["category"].widget.tree = category_tree(categories)
        if devices is None:
            devices = ConfigurationItem.objects.none()
        self.fields["device"].queryset = devices
        self.fields["device"].label_from_instance = lambda ci: f"{ci.asset_tag} · {ci.name}"

    def clean_category(self):
        pk = self.cleaned_data.get("category")
        # The choices are the active categories: the chosen one is among them.
        return next((c for c in self._categories if c.pk == pk), None) if pk else None

    def clean(self):
        cleaned = super().clean()
        tag = (cleaned.get("asset_tag") or "").strip()
        if tag and not cleaned.get("device"):
            device = ci_find_by_tag(tag=tag)
            if device is None:
                self.add_error(
                    "asset_tag",
                    gettext("No device has the asset tag “%(tag)s”. Check the label.")
                    % {"tag": tag},
                )
            cleaned["device"] = device
        return cleaned


CALL_SALT = "incidents.intake.call-started"


def knowledge_record_id(text: str) -> int | None:
    """The published record's id, from its number (or its id, as the field once took)."""
    text = (text or "").strip()
    if not text:
        return None
    pk = published_record_id(reference=text)
    if pk is None:
        raise ValidationError(
            gettext(
                "No published knowledge record “%(value)s”: choose one of the suggestions or type its number."
            )
            % {"value": text}
        )
    return pk


class IntakeForm(ReportForm):
    """The desk records a phone call: the same fault form, plus the impact and how the
    call ended: recorded for dispatch, or resolved on the call (first-contact resolution,
    its guidance time measured from when this form was opened for the caller)."""

    impact = forms.ChoiceField(
        label=_("Impact"),
        choices=Level3.choices,
        initial=Level3.LOW,
        widget=forms.Select(attrs=_select),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"),
        choices=[
            ("dispatch", _("Record for dispatch")),
            ("resolved", _("Resolved on the call")),
        ],
        initial="dispatch",
        required=False,  # not chosen: recorded for dispatch, as before this choice existed
        widget=forms.Select(attrs=_select),
    )
    # §6.2.2: how the work will be delivered, when the desk already knows (else at dispatch).
    service_type = forms.ChoiceField(
        label=_("Service type"),
        choices=[("", _("Not recorded")), *ServiceType.choices],
        required=False,
        widget=forms.Select(attrs=_select),
    )
    response_mode = forms.ChoiceField(
        label=_("Response mode"),
        choices=[("", _("Not recorded")), *ResponseMode.choices],
        required=False,
        widget=forms.Select(attrs=_select),
    )
    resolution = forms.CharField(
        label=_("What was done on the call"),
        required=False,
        widget=forms.Textarea(attrs={**_text, "rows": 2}),
    )
    knowledge_record = forms.CharField(
        label=_("Knowledge record used"),
        required=False,
        max_length=64,
        help_text=_("Its form number, from the suggestions below."),
        widget=forms.TextInput(attrs={**_text, "autocomplete": "off", "spellcheck": "false"}),
    )
    # When the caller was picked, signed so the measured guidance time is the server's.
    call_started = forms.CharField(required=False, widget=forms.HiddenInput)
    # Outside working hours only (services.work_order_route_out_of_hours).
    keep_in_queue = forms.BooleanField(
        label=_("Not urgent: leave it in the queue for the next working day"),
        required=False,
        help_text=_("Otherwise it is dispatched to the person on call now."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, out_of_hours: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not out_of_hours:
            del self.fields["keep_in_queue"]
        # The caller's number, not the agent's: the agent's own must not be filled in.
        self.fields["contact_phone"].widget.attrs["autocomplete"] = "off"
        if not self.is_bound:
            from django.utils import timezone

            self.initial["call_started"] = signing.dumps(timezone.now().isoformat(), salt=CALL_SALT)

    def clean_call_started(self):
        from django.utils.dateparse import parse_datetime

        try:
            return parse_datetime(signing.loads(self.cleaned_data["call_started"], salt=CALL_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return None  # measured from the submission instead

    def clean_knowledge_record(self) -> int | None:
        return knowledge_record_id(self.cleaned_data["knowledge_record"])

    def clean(self):
        cleaned = super().clean()
        cleaned["outcome"] = cleaned.get("outcome") or "dispatch"
        if cleaned["outcome"] == "resolved" and not (cleaned.get("resolution") or "").strip():
            self.add_error("resolution", gettext("Describe what was done to fix it."))
        return cleaned


class CallerForm(forms.Form):
    """An unknown caller, added on the spot."""

    name = forms.CharField(label=_("Full name"), max_length=50, widget=forms.TextInput(attrs=_text))
    phone = forms.CharField(
        label=_("Phone"), max_length=30, widget=forms.TextInput(attrs={**_text, "inputmode": "tel"})
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs=_select),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from servicedesk.models import Department

        self.fields["department"].queryset = Department.objects.order_by("name")


# --- actions on a work order --------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    files = MultipleFileField(label=_("Attach files"))


class ClassifyForm(NoteForm):
    """Service type and response mode (§6.2.2), at intake, at dispatch or later."""

    service_type = forms.ChoiceField(
        label=_("Service type"),
        choices=[("", _("Not recorded")), *ServiceType.choices],
        required=False,
        widget=forms.Select(attrs=_select),
    )
    response_mode = forms.ChoiceField(
        label=_("Response mode"),
        choices=[("", _("Not recorded")), *ResponseMode.choices],
        required=False,
        widget=forms.Select(attrs=_select),
    )


VEHICLE_CHOICES = [("", _("Not decided")), ("1", _("Yes")), ("0", _("No"))]


class AssignForm(ClassifyForm):
    assignee = StaffChoiceField(
        label=_("Engineer"), queryset=staff_users(), widget=forms.Select(attrs=_select)
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.Select(attrs=_select),
    )
    # §6.3.3: at dispatch the desk decides whether a vehicle goes along.
    vehicle_needed = forms.TypedChoiceField(
        label=_("Vehicle needed?"),
        choices=VEHICLE_CHOICES,
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=_select),
    )
    field_order = ["assignee", "team", "service_type", "response_mode", "vehicle_needed", "note"]


class HoldForm(NoteForm):
    reason = forms.ChoiceField(
        label=_("Waiting for"), choices=HoldReason.choices, widget=forms.Select(attrs=_select)
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )
    # A plain text field for the record's number; with htmx, a search as you type.
    knowledge_record = forms.CharField(
        label=_("Knowledge record used"),
        required=False,
        max_length=64,
        help_text=_("Type words to find a published record, or its form number."),
        widget=KnowledgePickInput(attrs={**_text, "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_knowledge_record(self) -> int | None:
        return knowledge_record_id(self.cleaned_data["knowledge_record"])


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={**_text, "rows": 2}))


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("What is still wrong?"), widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class CancelForm(NoteForm):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=CancelReason.choices, widget=forms.Select(attrs=_select)
    )


class ReprioritiseForm(NoteForm):
    impact = forms.ChoiceField(
        label=_("Impact"), choices=Level3.choices, widget=forms.Select(attrs=_select)
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Level3.choices, widget=forms.Select(attrs=_select)
    )


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class CallbackForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Reached the user?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
        widget=forms.Select(attrs=_select),
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", "—"), *RATING_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs=_select),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={**_text, "rows": 2})
    )


class BulkAssignForm(forms.Form):
    numbers = forms.MultipleChoiceField(required=False)  # choices: the posted rows

    def __init__(self, *args, **kwargs):
        # The queue page shows this form beside the filter form, which has assignee and
        # team fields too: ids of its own keep the labels tied to the right select.
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)

    assignee = StaffChoiceField(
        label=_("Dispatch to"), queryset=staff_users(), widget=PlainSelect(attrs=_select)
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.all(),
        required=False,
        widget=PlainSelect(attrs=_select),
    )


class EmptyForm(forms.Form):
    pass


class TargetForm(NoteForm):
    target = forms.CharField(
        label=_("Work order number"),
        max_length=64,
        widget=forms.TextInput(attrs={**_text, "placeholder": "D0201-…"}),
    )


class TriageForm(NoteForm):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs=_text))
    device_tag = forms.CharField(
        label=_("Device (asset tag)"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={**_text, "autocomplete": "off"}),
    )

    def clean_device_tag(self):
        tag = self.cleaned_data["device_tag"].strip()
        if not tag:
            return None
        device = ci_find_by_tag(tag=tag)
        if device is None:
            raise forms.ValidationError(_("No asset with tag “%(tag)s”.") % {"tag": tag})
        return device


class ComplaintForm(forms.Form):
    description = forms.CharField(
        label=_("What went wrong?"), widget=forms.Textarea(attrs={**_text, "rows": 3})
    )


class ComplaintHandleForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={**_text, "rows": 2}))
    cause = forms.TypedChoiceField(
        label=_("Cause"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, causes=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import ComplaintCause

        # The page passes the causes once for all its forms (one query, not one per row).
        if causes is None:
            causes = ComplaintCause.objects.filter(is_active=True)
        self.fields["cause"].choices = [("", _("(not classified)"))] + [
            (cause.pk, cause.name) for cause in causes
        ]

    def clean_cause(self):
        from .models import ComplaintCause

        pk = self.cleaned_data["cause"]
        return ComplaintCause.objects.filter(pk=pk).first() if pk else None


class PeriodForm(forms.Form):
    """A period of days for the statistics pages (both days included)."""

    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 366 * 3:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data
