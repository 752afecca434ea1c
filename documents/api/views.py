"""The controlled-documents API: thin over documents.selectors and documents.services.

The same rules as the pages: IT staff and approvers read, keepers register, lend, back
up and check, anyone of them applies, approvers decide (never their own application).
Refusals become 403 (role), 400 (input, with the field) and 409 (stale `lock_version`,
or not possible in the current status, e.g. approving twice). Files are sent back only
as downloads under their original names.
"""

from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from itsm.api.permissions import ActOnVisible
from itsm.api.refusals import ServiceRefusalsMixin, action_schema, number_lookup

from .. import selectors, services
from ..choices import ApplicationStatus, BorrowStatus, DocumentLevel, DocumentStatus, DocumentType
from ..models import (
    ControlledDocument,
    DocumentBackup,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentScrapApplication,
)
from .inputs import (
    DocumentBackupInputSerializer,
    DocumentBorrowInputSerializer,
    DocumentChangeInputSerializer,
    DocumentChangeResultInputSerializer,
    DocumentCheckInputSerializer,
    DocumentLockVersionSerializer,
    DocumentNoteSerializer,
    DocumentRegisterSerializer,
    DocumentRejectSerializer,
    DocumentScrapInputSerializer,
    DocumentUpdateSerializer,
)
from .serializers import (
    ControlledDocumentDetailSerializer,
    ControlledDocumentSerializer,
    DocumentBackupSerializer,
    DocumentBorrowingSerializer,
    DocumentChangeApplicationSerializer,
    DocumentScrapApplicationSerializer,
    DocumentValidityCheckSerializer,
)

# --- viewsets ------------------------------------------------------------------------------

_DOC_LOOKUP = number_lookup("document", "B02")
_APP_LOOKUP = number_lookup("application", "D0902-2026120101")
_REFUSED = {
    400: OpenApiResponse(description="Invalid input, with the field and a message."),
    403: OpenApiResponse(description="Your role may not do this (or it is your own application)."),
    404: OpenApiResponse(description="No such document, or not visible to you."),
    409: OpenApiResponse(
        description="Changed since your `lock_version`, or not possible in this status."
    ),
}
_FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")


class _Plumbing(ServiceRefusalsMixin):
    filter_backends = []
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _download(self, stored):
        response = FileResponse(
            stored.file.open("rb"),
            as_attachment=True,
            filename=stored.original_name or "document",
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


@extend_schema_view(
    list=extend_schema(
        summary="The document catalogue (文件目录清单)",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Number, name or description."),
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(DocumentLevel.values)),
            OpenApiParameter("document_type", OpenApiTypes.STR, enum=list(DocumentType.values)),
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(DocumentStatus.values)),
            OpenApiParameter(
                "check_due", OpenApiTypes.BOOL, description="Validity check due within a week."
            ),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="With an overdue loan."),
            OpenApiParameter(
                "pending", OpenApiTypes.BOOL, description="With an application awaiting approval."
            ),
        ],
    ),
    retrieve=extend_schema(
        parameters=[_DOC_LOOKUP], responses={200: ControlledDocumentDetailSerializer}
    ),
)
class ControlledDocumentViewSet(
    _Plumbing,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Controlled documents (文档管理): draft → effective ⇄ under change → scrapped.

    IT staff and approvers read; keepers register and edit the catalogue, record
    validity checks; anyone of them applies for changes, scrapping and loans; the
    approvers (ops department / information centre) release and decide.
    """

    queryset = ControlledDocument.objects.none()  # for the schema; rows come from the selectors
    serializer_class = ControlledDocumentSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.document_visible(user=self.request.user).select_related(
            *selectors.LIST_RELATED
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata", "partial_update"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        try:
            document = selectors.document_get(user=self.request.user, number=self.kwargs["number"])
        except Http404 as exc:
            raise exceptions.NotFound() from exc
        self.check_object_permissions(self.request, document)
        return document

    def list(self, request, *args, **kwargs):
        params = request.query_params

        def flag(name):
            return params.get(name, "").lower() in ("1", "true", "yes", "on")

        rows = selectors.document_list(
            user=request.user,
            level=params.get("level", "") if params.get("level") in DocumentLevel.values else "",
            document_type=params.get("document_type", "")
            if params.get("document_type") in DocumentType.values
            else "",
            status=params.get("status", "")
            if params.get("status") in DocumentStatus.values
            else "",
            check_due=flag("check_due"),
            overdue=flag("overdue"),
            pending=flag("pending"),
            query=params.get("q", "").strip()[:100],
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._show(self.get_object()))

    def _show(self, document) -> dict:
        fresh = selectors.document_get(user=self.request.user, number=document.number)
        return ControlledDocumentDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        summary="Register a document (文件登记表); a draft until released",
        request={
            "application/json": DocumentRegisterSerializer,
            "multipart/form-data": DocumentRegisterSerializer,
        },
        responses={201: ControlledDocumentDetailSerializer, **_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(DocumentRegisterSerializer)
        document = services.document_register(actor=request.user, **body)
        return Response(self._show(document), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct the catalogue entry",
        parameters=[_DOC_LOOKUP],
        request=DocumentUpdateSerializer,
        responses={200: ControlledDocumentDetailSerializer, **_REFUSED},
    )
    def partial_update(self, request, number=None):
        document = self.get_object()
        body = self._valid(DocumentUpdateSerializer)
        lock_version = body.pop("lock_version")
        document = services.document_update(
            document=document, actor=request.user, lock_version=lock_version, **body
        )
        return Response(self._show(document))

    _act = action_schema(
        lookup=_DOC_LOOKUP, refused=_REFUSED, response=ControlledDocumentDetailSerializer
    )

    def _release(self, service, body_class):
        body = self._valid(body_class)
        document = service(
            document=self.get_object(),
            actor=self.request.user,
            note=body["note"],
            lock_version=body["lock_version"],
        )
        return Response(self._show(document))

    @_act(
        DocumentNoteSerializer,
        "Approve the release of a registered draft for your body (the information centre); "
        "released once every body named has approved",
    )
    @action(detail=True, methods=["post"])
    def release(self, request, number=None):
        return self._release(services.document_release, DocumentNoteSerializer)

    @_act(DocumentRejectSerializer, "Turn the release down for your body, with the reason")
    @action(detail=True, methods=["post"], url_path="reject-release")
    def reject_release(self, request, number=None):
        return self._release(services.document_release_reject, DocumentRejectSerializer)

    @_act(DocumentNoteSerializer, "Hand a turned-down draft in again for release (keepers)")
    @action(detail=True, methods=["post"], url_path="resubmit-release")
    def resubmit_release(self, request, number=None):
        return self._release(services.document_release_resubmit, DocumentNoteSerializer)

    @_act(
        DocumentCheckInputSerializer,
        "Record a validity check (keepers); sets the next check date",
        response=DocumentValidityCheckSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"])
    def check(self, request, number=None):
        body = self._valid(DocumentCheckInputSerializer)
        lock_version = body.pop("lock_version")
        check = services.check_record(
            document=self.get_object(), actor=request.user, lock_version=lock_version, **body
        )
        return Response(DocumentValidityCheckSerializer(check).data, status=201)

    @extend_schema(
        summary="Apply for a change (文件更改申请单), optionally with a draft of the revision",
        parameters=[_DOC_LOOKUP],
        request={"multipart/form-data": DocumentChangeInputSerializer},
        responses={201: DocumentChangeApplicationSerializer, **_REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="change-applications")
    def change_application(self, request, number=None):
        body = self._valid(DocumentChangeInputSerializer)
        application = services.change_apply(document=self.get_object(), actor=request.user, **body)
        return Response(DocumentChangeApplicationSerializer(application).data, status=201)

    @_act(
        DocumentScrapInputSerializer,
        "Apply to scrap (报废申请单)",
        response=DocumentScrapApplicationSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"], url_path="scrap-applications")
    def scrap_application(self, request, number=None):
        body = self._valid(DocumentScrapInputSerializer)
        application = services.scrap_apply(document=self.get_object(), actor=request.user, **body)
        return Response(DocumentScrapApplicationSerializer(application).data, status=201)

    @_act(
        DocumentBorrowInputSerializer,
        "Apply to borrow (文件借阅申请单)",
        response=DocumentBorrowingSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"], url_path="borrowings")
    def borrow(self, request, number=None):
        body = self._valid(DocumentBorrowInputSerializer)
        application = services.borrow_apply(document=self.get_object(), actor=request.user, **body)
        return Response(DocumentBorrowingSerializer(application).data, status=201)

    @extend_schema(
        summary="Download one version's file",
        parameters=[
            _DOC_LOOKUP,
            OpenApiParameter("version_id", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={200: _FILE, 404: _REFUSED[404]},
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<version_id>\d+)/file")
    def version_file(self, request, number=None, version_id=None):
        document = self.get_object()
        version = selectors.version_get(user=request.user, document=document, pk=int(version_id))
        return self._download(version)


class _ApplicationViewSet(
    _Plumbing, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    kind = ""

    def get_queryset(self):
        qs = (
            self.queryset.model.objects.restrict(self.request.user, "view")
            .select_related("document", "requested_by__person", "decided_by__person")
            .order_by("-pk")
        )
        # Filters narrow the list only: an action's answer re-reads its own row through here.
        wanted = self.request.query_params.get("status", "") if self.action == "list" else ""
        return qs.filter(status=wanted) if wanted else qs

    def get_permissions(self):
        if self.action in ("list", "retrieve", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    def get_object(self):
        try:
            application = selectors.application_get(
                user=self.request.user, kind=self.kind, number=self.kwargs["number"]
            )
        except Http404 as exc:
            raise exceptions.NotFound() from exc
        self.check_object_permissions(self.request, application)
        return application

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        selectors.application_decisions(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, application):
        application = self.get_queryset().get(pk=application.pk)
        selectors.application_decisions([application])
        return Response(self.get_serializer(application).data)

    def _decide(self, service, body_class):
        body = self._valid(body_class)
        kwargs = {"application": self.get_object(), "actor": self.request.user}
        if "note" in body:
            kwargs["note"] = body["note"]
        application = service(lock_version=body["lock_version"], **kwargs)
        return self._answer(application)


def _application_actions(serializer_class, noun):
    act = action_schema(lookup=_APP_LOOKUP, refused=_REFUSED, response=serializer_class)

    class Actions:
        @act(
            DocumentNoteSerializer,
            f"Approve the {noun} for your body (approvers of a body it needs; not your own)",
        )
        @action(detail=True, methods=["post"])
        def approve(self, request, number=None):
            return self._decide(services.application_approve, DocumentNoteSerializer)

        @act(
            DocumentRejectSerializer,
            f"Reject the {noun} for your body, with a reason: one rejection rejects it",
        )
        @action(detail=True, methods=["post"])
        def reject(self, request, number=None):
            return self._decide(services.application_reject, DocumentRejectSerializer)

        @act(DocumentNoteSerializer, f"Withdraw your own {noun}")
        @action(detail=True, methods=["post"])
        def withdraw(self, request, number=None):
            return self._decide(services.application_withdraw, DocumentNoteSerializer)

    return Actions


_status_param = OpenApiParameter("status", OpenApiTypes.STR, enum=list(ApplicationStatus.values))


@extend_schema_view(
    list=extend_schema(summary="Change applications", parameters=[_status_param]),
    retrieve=extend_schema(parameters=[_APP_LOOKUP]),
)
class DocumentChangeApplicationViewSet(
    _application_actions(DocumentChangeApplicationSerializer, "change application"),
    _ApplicationViewSet,
):
    """Change applications (文件更改申请单); approved, the file becomes the current version."""

    kind = "change"
    queryset = DocumentChangeApplication.objects.none()
    serializer_class = DocumentChangeApplicationSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return super().get_queryset().select_related("carried_out_by__person")

    _act = action_schema(
        lookup=_APP_LOOKUP, refused=_REFUSED, response=DocumentChangeApplicationSerializer
    )

    @extend_schema(
        summary="Record the change as made, with the revised file (step 2, once approved)",
        parameters=[_APP_LOOKUP],
        request={"multipart/form-data": DocumentChangeResultInputSerializer},
        responses={200: DocumentChangeApplicationSerializer, **_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def result(self, request, number=None):
        body = self._valid(DocumentChangeResultInputSerializer)
        lock_version = body.pop("lock_version")
        application = services.change_result_record(
            application=self.get_object(), actor=request.user, lock_version=lock_version, **body
        )
        return self._answer(application)

    @_act(
        DocumentNoteSerializer,
        "Confirm the change's result for your body (step 3); the revised file is current "
        "once every body named has confirmed",
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, number=None):
        return self._decide(services.change_result_confirm, DocumentNoteSerializer)

    @extend_schema(
        summary="Download the proposed file",
        parameters=[_APP_LOOKUP],
        responses={200: _FILE, 404: _REFUSED[404]},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, number=None):
        application = self.get_object()
        if not application.file:
            raise exceptions.NotFound()
        return self._download(application)


@extend_schema_view(
    list=extend_schema(summary="Scrap applications", parameters=[_status_param]),
    retrieve=extend_schema(parameters=[_APP_LOOKUP]),
)
class DocumentScrapApplicationViewSet(
    _application_actions(DocumentScrapApplicationSerializer, "scrap application"),
    _ApplicationViewSet,
):
    """Scrap applications (报废申请单); approved, the document is scrapped and kept."""

    kind = "scrap"
    queryset = DocumentScrapApplication.objects.none()
    serializer_class = DocumentScrapApplicationSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Borrowing applications and loans",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=list(BorrowStatus.values)),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Lent and past due."),
        ],
    ),
    retrieve=extend_schema(parameters=[_APP_LOOKUP]),
)
class DocumentBorrowingViewSet(
    _application_actions(DocumentBorrowingSerializer, "borrowing application"),
    _ApplicationViewSet,
):
    """Borrowing (文件借阅申请单): approved by the ops department, handed over, returned."""

    kind = "borrow"
    queryset = DocumentBorrowApplication.objects.none()
    serializer_class = DocumentBorrowingSerializer

    def get_queryset(self):
        qs = super().get_queryset().select_related("borrower__person", "lent_by__person")
        qs = qs.select_related("returned_to__person")
        overdue = self.request.query_params.get("overdue", "").lower() in ("1", "true", "yes")
        if overdue and self.action == "list":
            qs = qs.filter(status=BorrowStatus.LENT, due_on__lt=timezone.localdate())
        return qs

    _act = action_schema(lookup=_APP_LOOKUP, refused=_REFUSED, response=DocumentBorrowingSerializer)

    @_act(DocumentLockVersionSerializer, "Hand the document over (keepers)")
    @action(detail=True, methods=["post"])
    def lend(self, request, number=None):
        return self._decide(services.borrow_lend, DocumentLockVersionSerializer)

    @_act(DocumentNoteSerializer, "Take the document back (keepers)")
    @action(detail=True, methods=["post"], url_path="return")
    def give_back(self, request, number=None):
        return self._decide(services.borrow_return, DocumentNoteSerializer)


@extend_schema_view(
    list=extend_schema(summary="Backup records (文件备份记录)"),
    retrieve=extend_schema(parameters=[number_lookup("backup", "D0905-2026120101")]),
)
class DocumentBackupViewSet(
    _Plumbing,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Backup records of document material: what, when, medium, where kept, by whom, verified."""

    queryset = DocumentBackup.objects.none()
    serializer_class = DocumentBackupSerializer

    def get_queryset(self):
        return (
            selectors.backup_list(user=self.request.user)
            .select_related(None)
            .select_related("performed_by__person", "verified_by__person")
            .prefetch_related("documents")
        )

    def get_permissions(self):
        if self.action in ("list", "retrieve", "create", "metadata"):
            return super().get_permissions()
        return [ActOnVisible()]

    @extend_schema(
        summary="Record a backup",
        request=DocumentBackupInputSerializer,
        responses={201: DocumentBackupSerializer, **_REFUSED},
    )
    def create(self, request, *args, **kwargs):
        body = self._valid(DocumentBackupInputSerializer)
        backup = services.backup_create(actor=request.user, **body)
        return Response(self.get_serializer(self.get_queryset().get(pk=backup.pk)).data, status=201)

    @extend_schema(
        summary="Mark the restore verified (keepers)",
        parameters=[number_lookup("backup", "D0905-2026120101")],
        request=None,
        responses={200: DocumentBackupSerializer, **_REFUSED},
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, number=None):
        backup = self.get_object()
        services.backup_verify(backup=backup, actor=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=backup.pk)).data)
