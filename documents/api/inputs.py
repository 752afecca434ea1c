"""The documents API's request bodies. State-changing calls carry the `lock_version` the
client last saw: a stale one is refused with 409 (itsm.workflow.Conflict)."""

from rest_framework import serializers

from ..choices import (
    BorrowForm,
    DocumentClass,
    DocumentLevel,
)
from ..files import MAX_SIZE
from ..models import (
    ControlledDocument,
)
from .serializers import (
    BackupMediumField,
    BorrowFormField,
    CheckResultField,
    DocumentClassField,
    DocumentLevelField,
    DocumentTypeField,
)

LOCK_HELP = (
    "The lock_version of the document or application you last saw; if it changed since, "
    "the answer is 409 and nothing is changed."
)


def _people():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True)


_FILE_HELP = f"PDF, OFD, office documents, scans or archives; at most {MAX_SIZE >> 20} MB."


class _CatalogueFields(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    document_class = DocumentClassField(default=DocumentClass.OPERATIONS)
    document_type = DocumentTypeField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    storage_location = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    electronic_location = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )
    retention_years = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Empty: kept permanently."
    )
    custodian = serializers.PrimaryKeyRelatedField(
        queryset=_people(), required=False, allow_null=True, default=None
    )
    check_interval_months = serializers.IntegerField(default=12)


class DocumentRegisterSerializer(_CatalogueFields):
    """《文件登记表》: JSON, or multipart with the first version's `file`."""

    level = DocumentLevelField()
    number = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=16,
        help_text="A01, B01, C0101, D0201 …; empty: the next free number of the level.",
    )
    procedure = serializers.SlugRelatedField(
        slug_field="number",
        queryset=ControlledDocument.objects.filter(level=DocumentLevel.PROCEDURE),
        required=False,
        allow_null=True,
        default=None,
        help_text="For levels C and D without a number: the B procedure they derive from.",
    )
    version_label = serializers.CharField(required=False, default="1.0", max_length=20)
    file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_FILE_HELP
    )


class DocumentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    document_class = DocumentClassField(required=False)
    document_type = DocumentTypeField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    storage_location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    electronic_location = serializers.CharField(required=False, allow_blank=True, max_length=300)
    retention_years = serializers.IntegerField(required=False, allow_null=True)
    custodian = serializers.PrimaryKeyRelatedField(
        queryset=_people(), required=False, allow_null=True
    )
    check_interval_months = serializers.IntegerField(required=False)
    lock_version = serializers.IntegerField(min_value=1, help_text=LOCK_HELP)


class DocumentNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    lock_version = serializers.IntegerField(min_value=1, help_text=LOCK_HELP)


class DocumentRejectSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="Why it is rejected (required).")
    lock_version = serializers.IntegerField(min_value=1, help_text=LOCK_HELP)


class DocumentLockVersionSerializer(serializers.Serializer):
    lock_version = serializers.IntegerField(min_value=1, help_text=LOCK_HELP)


class DocumentCheckInputSerializer(serializers.Serializer):
    result = CheckResultField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    checked_on = serializers.DateField(required=False, allow_null=True, default=None)
    lock_version = serializers.IntegerField(min_value=1, help_text=LOCK_HELP)


class DocumentChangeInputSerializer(serializers.Serializer):
    """《文件更改申请单》 (multipart: `file` is an optional draft of the revision)."""

    reason = serializers.CharField()
    content = serializers.CharField()
    new_version_label = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=20
    )
    file = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_FILE_HELP
    )


class DocumentChangeResultInputSerializer(serializers.Serializer):
    """The change as made (更改过程、更改内容、更改结果), with the revised file."""

    change_process = serializers.CharField(help_text="How the change was made.")
    change_made = serializers.CharField(help_text="What was changed.")
    change_result = serializers.CharField(help_text="The result of the change.")
    file = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text=f"The revised document; required unless the application carries one. "
        f"{_FILE_HELP}",
    )
    lock_version = serializers.IntegerField(min_value=1, help_text=LOCK_HELP)


class DocumentScrapInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    content = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentBorrowInputSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    due_on = serializers.DateField()
    borrow_form = BorrowFormField(default=BorrowForm.COPY)
    borrower = serializers.PrimaryKeyRelatedField(
        queryset=_people(), required=False, allow_null=True, default=None
    )


class DocumentBackupInputSerializer(serializers.Serializer):
    content = serializers.CharField()
    documents = serializers.SlugRelatedField(
        slug_field="number",
        many=True,
        queryset=ControlledDocument.objects.all(),
        required=False,
        default=list,
    )
    backed_up_on = serializers.DateField()
    medium = BackupMediumField()
    location = serializers.CharField(max_length=200)
    verified = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
