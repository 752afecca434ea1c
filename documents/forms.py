"""Forms of the document pages: parse and shape input; the rules live in the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicedesk.choices import Role

from .choices import (
    BackupMedium,
    BorrowForm,
    CheckResult,
    DocumentClass,
    DocumentLevel,
    DocumentStatus,
    DocumentType,
    DueState,
    HandInKind,
    LibraryKind,
)
from .files import MAX_SIZE
from .models import ControlledDocument

_DATE = forms.DateInput(attrs={"type": "date"})
_ROWS3 = forms.Textarea(attrs={"rows": 3})
_ACCEPT = ".pdf,.ofd,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.wps,.et,.dps,.odt,.ods,.odp,.txt,.csv,.rtf,.jpg,.jpeg,.png,.tif,.tiff,.zip,.rar,.7z"


def _file_help_text() -> str:
    return gettext("PDF, OFD, office documents, scans or archives; at most %(max)d MB.") % {
        "max": MAX_SIZE >> 20
    }


# Formatted when shown, in the language of the request (not at import).
_file_help = lazy(_file_help_text, str)


def _file_field(label, *, required):
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
        help_text=_file_help(),
    )


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        person = getattr(user, "person", None)
        return getattr(person, "name", "") or user.get_username()


def _document_people():
    """Who can keep or borrow documents: IT staff and approvers."""
    roles = [Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER, Role.APPROVER]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .select_related("person")
        .distinct()
        .order_by("username")
    )


class CatalogueForm(forms.Form):
    """The catalogue fields of a document (《文件目录清单》), shared by register and edit."""

    name = forms.CharField(label=_("Document name"), max_length=200)
    document_class = forms.ChoiceField(label=_("Document class"), choices=DocumentClass.choices)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=_ROWS3)
    storage_location = forms.CharField(
        label=_("Storage location"),
        required=False,
        max_length=200,
        help_text=_("Where the paper original is kept, e.g. ops office, cabinet A, shelf 3."),
    )
    electronic_location = forms.CharField(
        label=_("Electronic location"), required=False, max_length=300
    )
    retention_years = forms.IntegerField(
        label=_("Retention (years)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Empty: kept permanently."),
    )
    custodian = _UserChoiceField(label=_("Custodian"), queryset=None, required=False)
    check_interval_months = forms.IntegerField(
        label=_("Validity check every (months)"), min_value=1, max_value=60, initial=12
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = _document_people()

    def catalogue(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "name",
                "document_class",
                "document_type",
                "description",
                "storage_location",
                "electronic_location",
                "retention_years",
                "custodian",
                "check_interval_months",
            )
        }


class RegisterForm(CatalogueForm):
    """《文件登记表》: a new document with its level, number and first version."""

    field_order = ["level", "procedure", "number", "version_label", "file"]

    level = forms.ChoiceField(label=_("Level"), choices=DocumentLevel.choices)
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=ControlledDocument.objects.none(),
        required=False,
        help_text=_("Levels C and D derive from a level-B procedure."),
    )
    number = forms.CharField(
        label=_("Document number"),
        required=False,
        max_length=16,
        help_text=_("A01, B01, C0101, D0201 … Leave empty for the next free number."),
    )
    version_label = forms.CharField(label=_("Version"), max_length=20, initial="1.0")
    file = _file_field(_("File"), required=False)

    def __init__(self, *args, procedures=None, **kwargs):
        super().__init__(*args, **kwargs)
        if procedures is not None:
            self.fields["procedure"].queryset = procedures


class ChangeApplicationForm(forms.Form):
    """《文件更改申请单》"""

    reason = forms.CharField(label=_("Reason for the change"), widget=_ROWS3)
    content = forms.CharField(label=_("Content of the change"), widget=_ROWS3)
    new_version_label = forms.CharField(
        label=_("New version"),
        required=False,
        max_length=20,
        help_text=_("Empty: the next major version (2.0 after 1.0)."),
    )
    file = _file_field(_("Draft of the revision (optional)"), required=False)


class ChangeResultForm(forms.Form):
    """The change as made (更改过程、更改内容、更改结果), with the revised file."""

    change_process = forms.CharField(label=_("How the change was made"), widget=_ROWS3)
    change_made = forms.CharField(label=_("Content changed"), widget=_ROWS3)
    change_result = forms.CharField(label=_("Result of the change"), widget=_ROWS3)
    file = _file_field(_("Revised document"), required=False)
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, has_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_file:
            self.fields["file"].help_text = "{} {}".format(
                _file_help(),
                _("Empty: the file attached to the application is the revised document."),
            )
        else:
            self.fields["file"].required = True


class ScrapApplicationForm(forms.Form):
    """《报废申请单》"""

    reason = forms.CharField(label=_("Reason for scrapping"), widget=_ROWS3)
    content = forms.CharField(label=_("What is scrapped"), required=False, widget=_ROWS3)


class BorrowApplicationForm(forms.Form):
    """《文件借阅申请单》"""

    purpose = forms.CharField(label=_("Purpose"), widget=_ROWS3)
    borrow_form = forms.ChoiceField(label=_("Form"), choices=BorrowForm.choices)
    due_on = forms.DateField(label=_("Return by"), widget=_DATE)
    borrower = _UserChoiceField(
        label=_("Borrower"),
        queryset=None,
        required=False,
        help_text=_("Empty: yourself."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = _document_people()


class CheckForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices)
    checked_on = forms.DateField(label=_("Checked on"), widget=_DATE, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_on"].initial = timezone.localdate()


class BackupForm(forms.Form):
    """《文件备份记录》"""

    content = forms.CharField(label=_("What was backed up"), widget=_ROWS3)
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents"),
        queryset=ControlledDocument.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    backed_up_on = forms.DateField(label=_("Backed up on"), widget=_DATE)
    medium = forms.ChoiceField(label=_("Backup medium"), choices=BackupMedium.choices)
    location = forms.CharField(label=_("Kept at"), max_length=200)
    verified = forms.BooleanField(label=_("Restore verified"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = ControlledDocument.objects.exclude(
            status=DocumentStatus.SCRAPPED
        ).order_by("number")
        self.fields["backed_up_on"].initial = timezone.localdate()


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    lock_version = forms.IntegerField(required=False)


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *DocumentLevel.choices]
    )
    document_type = forms.ChoiceField(
        label=_("Document type"),
        required=False,
        choices=[("", _("All types")), *DocumentType.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *DocumentStatus.choices],
    )
    check_due = forms.BooleanField(label=_("Validity check due"), required=False)
    overdue = forms.BooleanField(label=_("Overdue loans"), required=False)
    pending = forms.BooleanField(label=_("Awaiting approval"), required=False)


# --- the driver and software library ---------------------------------------------------


class LibraryEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LibraryKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    vendor = forms.CharField(label=_("Vendor"), max_length=100, required=False)
    version = forms.CharField(label=_("Version"), max_length=50, required=False)
    device_models = forms.CharField(
        label=_("Device models"),
        required=False,
        widget=_ROWS3,
        help_text=_(
            "One model per line, as on the asset's “brand and model” attribute, e.g. "
            "HP LaserJet P1108. Empty: every model of the classes below."
        ),
    )
    ci_classes = forms.ModelMultipleChoiceField(
        label=_("Device classes"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    operating_system = forms.CharField(
        label=_("OS / version"),
        max_length=100,
        required=False,
        help_text=_("e.g. Windows 10 22H2 x64, Kylin V10, UOS 20."),
    )
    file = forms.FileField(label=_("File"), required=False)
    location = forms.CharField(
        label=_("Location"),
        max_length=300,
        required=False,
        help_text=_("Where the files are kept besides this page (file server path, disc)."),
    )
    checksum = forms.CharField(
        label=_("SHA-256 checksum"),
        max_length=80,
        required=False,
        help_text=_("Computed from an uploaded file; for a file kept elsewhere, enter it."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=_ROWS3)
    superseded = forms.BooleanField(label=_("Superseded (kept for history)"), required=False)
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ci_classes"].queryset = classes


class LibraryFilterForm(forms.Form):
    model = forms.CharField(label=_("Device model"), required=False, max_length=100)
    ci_class = forms.ChoiceField(label=_("Device class"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *LibraryKind.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    superseded = forms.BooleanField(label=_("Include superseded"), required=False)

    def __init__(self, *args, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ci_class"].choices = [
            ("", _("All classes")),
            *((ci_class.code, ci_class.name) for ci_class in classes),
        ]


# --- technical hand-ins --------------------------------------------------------------------


class HandInFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Weekly and monthly")), *HandInKind.choices],
    )
    person = forms.TypedChoiceField(
        label=_("Engineer"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *DueState.choices]
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            ("", _("Everyone")),
            *(
                (user.pk, getattr(getattr(user, "person", None), "name", "") or user.get_username())
                for user in people
            ),
        ]


class HandInForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "For the monthly report: the month's technical findings and solutions; accepted, "
            "this text enters the knowledge base."
        ),
    )
    file = _file_field(_("File"), required=False)
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Or where the document is, e.g. on the file server's web share."),
    )
    knowledge_number = forms.CharField(
        label=_("Knowledge record"),
        required=False,
        max_length=64,
        help_text=_("Or the number of a knowledge record you wrote for it."),
    )
    lock_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
