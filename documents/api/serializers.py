"""The documents API's read shapes: documents, versions, applications with their decisions,
checks and backups (the enum fields are named per document so the schema stays unambiguous)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from itsm.api.fields import enum_field
from servicedesk.choices import ApprovalBody

from .. import selectors, services
from ..choices import (
    ApplicationStatus,
    BackupMedium,
    BorrowForm,
    BorrowStatus,
    CheckResult,
    Decision,
    DecisionStage,
    DocumentClass,
    DocumentLevel,
    DocumentStatus,
    DocumentType,
)
from ..models import (
    ControlledDocument,
    DocumentBackup,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
    DocumentValidityCheck,
    DocumentVersion,
)

DocumentLevelField = enum_field(DocumentLevel, "DocumentLevelEnum")
DocumentClassField = enum_field(DocumentClass, "DocumentClassEnum")
DocumentTypeField = enum_field(DocumentType, "DocumentTypeEnum")
DocumentStatusField = enum_field(DocumentStatus, "DocumentStatusEnum")
ApplicationStatusField = enum_field(ApplicationStatus, "DocumentApplicationStatusEnum")
BorrowStatusField = enum_field(BorrowStatus, "DocumentBorrowStatusEnum")
BorrowFormField = enum_field(BorrowForm, "DocumentBorrowFormEnum")
CheckResultField = enum_field(CheckResult, "DocumentCheckResultEnum")
BackupMediumField = enum_field(BackupMedium, "DocumentBackupMediumEnum")
ApprovalBodyField = enum_field(ApprovalBody, "DocumentApprovalBodyEnum")
DecisionField = enum_field(Decision, "DocumentDecisionEnum")
DecisionStageField = enum_field(DecisionStage, "DocumentDecisionStageEnum")


def _person(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


class _PersonField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return _person(serializers.CharField.get_attribute(self, instance))

    def to_representation(self, value):
        return value


# --- read shapes ---------------------------------------------------------------------------


class DocumentVersionSerializer(serializers.ModelSerializer):
    change_application = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    created_by = _PersonField()
    has_file = serializers.BooleanField(read_only=True)

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "sequence",
            "label",
            "summary",
            "original_name",
            "content_type",
            "size",
            "has_file",
            "effective_on",
            "superseded_on",
            "change_application",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class ControlledDocumentSerializer(serializers.ModelSerializer):
    level = DocumentLevelField(read_only=True)
    document_class = DocumentClassField(read_only=True)
    document_type = DocumentTypeField(read_only=True)
    status = DocumentStatusField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    procedure = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    version = serializers.CharField(source="version_label", read_only=True)
    custodian = _PersonField()
    custodian_id = serializers.IntegerField(read_only=True, allow_null=True)
    check_due = serializers.BooleanField(read_only=True)

    class Meta:
        model = ControlledDocument
        fields = [
            "id",
            "number",
            "level",
            "procedure",
            "document_class",
            "document_type",
            "name",
            "description",
            "version",
            "release_date",
            "storage_location",
            "electronic_location",
            "retention_years",
            "custodian",
            "custodian_id",
            "status",
            "status_display",
            "check_interval_months",
            "last_checked_on",
            "next_check_on",
            "check_due",
            "lock_version",
            "released_at",
            "scrapped_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DocumentDecisionSerializer(serializers.ModelSerializer):
    """One body's decision (or the pending slot awaiting it)."""

    stage = DecisionStageField(read_only=True)
    body = ApprovalBodyField(read_only=True)
    body_display = serializers.CharField(source="get_body_display", read_only=True)
    decision = DecisionField(read_only=True)
    decision_display = serializers.CharField(source="decision_label", read_only=True)
    decided_by = _PersonField()

    class Meta:
        model = DocumentDecision
        fields = [
            "stage",
            "round",
            "body",
            "body_display",
            "decision",
            "decision_display",
            "decided_by",
            "decided_at",
            "comment",
        ]
        read_only_fields = fields


def _stage_rows(stages) -> list:
    return [row for stage in stages or [] for row in stage.rows]


class _ApplicationSerializer(serializers.ModelSerializer):
    """An application with its decisions: every body's row of the latest round, per stage,
    and the bodies still awaited at the current stage. The viewsets load the decisions
    (selectors.application_decisions) before serializing."""

    document = serializers.SlugRelatedField(slug_field="number", read_only=True)
    requested_by = _PersonField()
    decided_by = _PersonField()
    decisions = serializers.SerializerMethodField()
    awaiting = serializers.SerializerMethodField()

    BASE = [
        "id",
        "number",
        "document",
        "status",
        "requested_by",
        "decided_by",
        "decided_at",
        "decision_note",
        "decisions",
        "awaiting",
        "lock_version",
        "created_at",
    ]

    def _stages(self, application):
        if not hasattr(application, "decision_stages"):
            selectors.application_decisions([application])
        return application.decision_stages

    @extend_schema_field(DocumentDecisionSerializer(many=True))
    def get_decisions(self, application):
        return DocumentDecisionSerializer(_stage_rows(self._stages(application)), many=True).data

    @extend_schema_field(serializers.ListField(child=ApprovalBodyField()))
    def get_awaiting(self, application):
        stage = services.decision_stage(application)
        return [
            row.body
            for view in self._stages(application)
            if view.stage == stage
            for row in view.awaited
        ]


class DocumentChangeApplicationSerializer(_ApplicationSerializer):
    status = ApplicationStatusField(read_only=True)
    has_file = serializers.BooleanField(read_only=True)
    carried_out_by = _PersonField()

    class Meta:
        model = DocumentChangeApplication
        fields = [
            *_ApplicationSerializer.BASE,
            "reason",
            "content",
            "new_version_label",
            "original_name",
            "size",
            "has_file",
            "change_process",
            "change_made",
            "change_result",
            "carried_out_by",
            "carried_out_at",
            "completed_at",
        ]
        read_only_fields = fields


class DocumentScrapApplicationSerializer(_ApplicationSerializer):
    status = ApplicationStatusField(read_only=True)

    class Meta:
        model = DocumentScrapApplication
        fields = [*_ApplicationSerializer.BASE, "reason", "content"]
        read_only_fields = fields


class DocumentBorrowingSerializer(_ApplicationSerializer):
    status = BorrowStatusField(read_only=True)
    borrow_form = BorrowFormField(read_only=True)
    borrower = _PersonField()
    lent_by = _PersonField()
    returned_to = _PersonField()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = DocumentBorrowApplication
        fields = [
            *_ApplicationSerializer.BASE,
            "borrower",
            "purpose",
            "borrow_form",
            "due_on",
            "is_overdue",
            "lent_by",
            "lent_at",
            "returned_to",
            "returned_at",
        ]
        read_only_fields = fields


class DocumentValidityCheckSerializer(serializers.ModelSerializer):
    document = serializers.SlugRelatedField(slug_field="number", read_only=True)
    result = CheckResultField(read_only=True)
    checked_by = _PersonField()

    class Meta:
        model = DocumentValidityCheck
        fields = [
            "id",
            "number",
            "document",
            "checked_on",
            "result",
            "note",
            "version_label",
            "next_check_on",
            "checked_by",
        ]
        read_only_fields = fields


class DocumentBackupSerializer(serializers.ModelSerializer):
    medium = BackupMediumField(read_only=True)
    documents = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    performed_by = _PersonField()
    verified_by = _PersonField()

    class Meta:
        model = DocumentBackup
        fields = [
            "id",
            "number",
            "content",
            "documents",
            "backed_up_on",
            "medium",
            "location",
            "performed_by",
            "verified",
            "verified_by",
            "verified_at",
            "note",
        ]
        read_only_fields = fields


def extend_schema_field_list(serializer_class):
    return extend_schema_field(serializer_class(many=True))


class ControlledDocumentDetailSerializer(ControlledDocumentSerializer):
    release_decisions = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    change_applications = serializers.SerializerMethodField()
    scrap_applications = serializers.SerializerMethodField()
    borrowings = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()

    class Meta(ControlledDocumentSerializer.Meta):
        fields = [
            *ControlledDocumentSerializer.Meta.fields,
            "release_decisions",
            "versions",
            "change_applications",
            "scrap_applications",
            "borrowings",
            "checks",
        ]
        read_only_fields = fields

    def _applications(self, document):
        cache = self.context.setdefault("_applications", {})
        if document.pk not in cache:
            cache[document.pk] = selectors.document_applications(document=document)
        return cache[document.pk]

    @extend_schema_field_list(DocumentDecisionSerializer)
    def get_release_decisions(self, document):
        """The bodies' decisions on releasing the registration (latest round)."""
        self._applications(document)
        return DocumentDecisionSerializer(document.release_stage.rows, many=True).data

    @extend_schema_field_list(DocumentVersionSerializer)
    def get_versions(self, document):
        return DocumentVersionSerializer(
            selectors.document_versions(document=document), many=True
        ).data

    @extend_schema_field_list(DocumentChangeApplicationSerializer)
    def get_change_applications(self, document):
        return DocumentChangeApplicationSerializer(
            self._applications(document)["changes"], many=True
        ).data

    @extend_schema_field_list(DocumentScrapApplicationSerializer)
    def get_scrap_applications(self, document):
        return DocumentScrapApplicationSerializer(
            self._applications(document)["scraps"], many=True
        ).data

    @extend_schema_field_list(DocumentBorrowingSerializer)
    def get_borrowings(self, document):
        return DocumentBorrowingSerializer(self._applications(document)["borrows"], many=True).data

    @extend_schema_field_list(DocumentValidityCheckSerializer)
    def get_checks(self, document):
        return DocumentValidityCheckSerializer(
            selectors.document_checks(document=document), many=True
        ).data
