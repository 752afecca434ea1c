"""Every read of the controlled documents that depends on who is asking.

IT staff and the approvers see the whole catalogue (scrapped documents included, as
history); end users see none of it. Each page reads a fixed number of queries however
many documents, versions, applications or loans there are.
"""

from collections import defaultdict
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itsm.audit import TimelineEntry, audit_timeline
from itsm.models import TransitionLog

from . import permissions
from .choices import (
    DOCUMENT_IN_USE,
    ApplicationKind,
    ApplicationStatus,
    BorrowStatus,
    DecisionStage,
    DocumentStatus,
)
from .models import (
    ControlledDocument,
    DocumentBackup,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
    DocumentVersion,
    LibraryEntry,
)
from .models.library import model_key
from .services import CHANGE_OPEN, CHECK_REMIND_DAYS, application_kind
from .stages import stage_view

LIST_RELATED = ("current_version", "custodian__person", "procedure")


def document_visible(*, user) -> QuerySet[ControlledDocument]:
    return ControlledDocument.objects.restrict(user, "view")


def _overdue_loans(today):
    return DocumentBorrowApplication.objects.filter(
        document=OuterRef("pk"), status=BorrowStatus.LENT, due_on__lt=today
    )


def _pending(model, statuses=(ApplicationStatus.SUBMITTED,)):
    return model.objects.filter(document=OuterRef("pk"), status__in=list(statuses))


def document_list(
    *,
    user,
    level: str = "",
    document_type: str = "",
    status: str = "",
    check_due: bool = False,
    overdue: bool = False,
    pending: bool = False,
    query: str = "",
) -> QuerySet[ControlledDocument]:
    """The catalogue, by number, with the flags the list shows (one query per page)."""
    today = timezone.localdate()
    documents = (
        document_visible(user=user)
        .select_related(*LIST_RELATED)
        .annotate(
            has_overdue=Exists(_overdue_loans(today)),
            has_pending=Exists(_pending(DocumentChangeApplication, CHANGE_OPEN))
            | Exists(_pending(DocumentScrapApplication))
            | Exists(
                DocumentBorrowApplication.objects.filter(
                    document=OuterRef("pk"), status=BorrowStatus.SUBMITTED
                )
            ),
        )
    )
    if level:
        documents = documents.filter(level=level)
    if document_type:
        documents = documents.filter(document_type=document_type)
    if status:
        documents = documents.filter(status=status)
    if check_due:
        documents = documents.filter(
            status__in=DOCUMENT_IN_USE,
            next_check_on__lte=today + timedelta(days=CHECK_REMIND_DAYS),
        )
    if overdue:
        documents = documents.filter(has_overdue=True)
    if pending:
        documents = documents.filter(has_pending=True)
    if query:
        documents = documents.filter(
            Q(number__icontains=query) | Q(name__icontains=query) | Q(description__icontains=query)
        )
    return documents.order_by("level", "number")


def document_counts(*, user) -> dict[str, int]:
    """Figures for the list's header, in one query."""
    today = timezone.localdate()
    return document_visible(user=user).aggregate(
        all=Count("pk"),
        effective=Count("pk", filter=Q(status=DocumentStatus.EFFECTIVE)),
        under_change=Count("pk", filter=Q(status=DocumentStatus.UNDER_CHANGE)),
        check_due=Count(
            "pk",
            filter=Q(
                status__in=DOCUMENT_IN_USE,
                next_check_on__lte=today + timedelta(days=CHECK_REMIND_DAYS),
            ),
        ),
    )


def document_get(*, user, number: str) -> ControlledDocument:
    """One document by number (or id), with what its page shows; 404 when not visible."""
    lookup = Q(number=number.upper())
    if number.isdecimal():
        lookup |= Q(pk=int(number))
    document = (
        document_visible(user=user)
        .select_related(*LIST_RELATED, "registered_by__person", "released_by__person")
        .filter(lookup)
        .first()
    )
    if document is None:
        raise Http404
    return document


def document_procedures(*, user) -> QuerySet[ControlledDocument]:
    """Level-2 procedures a new C or D document can derive from."""
    return (
        document_visible(user=user)
        .filter(level="B")
        .exclude(status=DocumentStatus.SCRAPPED)
        .order_by("number")
    )


_PEOPLE = ("requested_by__person", "decided_by__person")


def document_versions(*, document) -> list[DocumentVersion]:
    return list(
        document.versions.select_related("created_by__person", "change_application").order_by(
            "-sequence"
        )
    )


def _stages(kind: str, by_stage: dict) -> list:
    stages = [
        stage_view(
            kind,
            DecisionStage.APPROVAL,
            by_stage.get(DecisionStage.APPROVAL, []),
            str(_("Approval")),
        )
    ]
    if kind == ApplicationKind.CHANGE:
        stages.append(
            stage_view(
                kind,
                DecisionStage.CONFIRMATION,
                by_stage.get(DecisionStage.CONFIRMATION, []),
                str(_("Confirmation of the result")),
            )
        )
    return stages


def document_applications(*, document) -> dict[str, list]:
    """The document's applications, newest first, each with `decision_stages` (who has
    decided, who is awaited); the registration's decisions go on `document.release_stage`.
    Five queries however many applications and decisions."""
    decisions = defaultdict(lambda: defaultdict(list))
    for row in document.decisions.select_related("decided_by__person").order_by(
        "stage", "round", "order", "pk"
    ):
        subject = row.change_application_id or row.scrap_application_id or row.borrow_application_id
        decisions[(row.kind, subject)][row.stage].append(row)
    applications = {
        "changes": list(
            document.documentchangeapplications.select_related(
                *_PEOPLE, "carried_out_by__person"
            ).order_by("-pk")
        ),
        "scraps": list(document.documentscrapapplications.select_related(*_PEOPLE).order_by("-pk")),
        "borrows": list(
            document.documentborrowapplications.select_related(
                *_PEOPLE, "borrower__person", "lent_by__person", "returned_to__person"
            ).order_by("-pk")
        ),
    }
    for items in applications.values():
        for application in items:
            kind = application_kind(application)
            application.decision_stages = _stages(kind, decisions[(kind, application.pk)])
    document.release_stage = _stages(
        ApplicationKind.REGISTRATION, decisions[(ApplicationKind.REGISTRATION, None)]
    )[0]
    return applications


def application_decisions(applications) -> None:
    """Set `decision_stages` on each of `applications` (one kind) in one query."""
    applications = list(applications)
    if not applications:
        return
    kind = application_kind(applications[0])
    field_name = f"{kind}_application_id"
    decisions = defaultdict(lambda: defaultdict(list))
    rows = (
        DocumentDecision.objects.filter(
            kind=kind, **{f"{kind}_application__in": [a.pk for a in applications]}
        )
        .select_related("decided_by__person")
        .order_by("stage", "round", "order", "pk")
    )
    for row in rows:
        decisions[getattr(row, field_name)][row.stage].append(row)
    for application in applications:
        application.decision_stages = _stages(kind, decisions[application.pk])


def document_backups(*, document, limit: int = 20) -> list[DocumentBackup]:
    return list(document.backups.select_related("performed_by__person").order_by("-pk")[:limit])


def document_checks(*, document, limit: int = 20):
    return list(document.checks.select_related("checked_by__person").order_by("-pk")[:limit])


def backup_list(*, user) -> QuerySet[DocumentBackup]:
    if not permissions.role_allows(user, "read"):
        return DocumentBackup.objects.none()
    return (
        DocumentBackup.objects.select_related("performed_by__person", "verified_by__person")
        .annotate(document_count=Count("documents"))
        .order_by("-backed_up_on", "-pk")
    )


def application_get(*, user, kind: str, number: str):
    """A change, scrap or borrowing application by number; 404 when not visible."""
    model = APPLICATION_MODELS.get(kind)
    if model is None:
        raise Http404
    application = (
        model.objects.restrict(user, "view")
        .select_related("document")
        .filter(number=number)
        .first()
    )
    if application is None:
        raise Http404
    return application


APPLICATION_MODELS = {
    "change": DocumentChangeApplication,
    "scrap": DocumentScrapApplication,
    "borrow": DocumentBorrowApplication,
}


def version_get(*, user, document, pk: int) -> DocumentVersion:
    if not permissions.role_allows(user, "read"):
        raise Http404
    version = document.versions.filter(pk=pk).first()
    if version is None or not version.file:
        raise Http404
    return version


# --- timeline ----------------------------------------------------------------------------

TRANSITION_TITLES = {
    "register": _("Registered"),
    "release": _("Released"),
    "release_approved_by_body": _("Release approved by a body"),
    "release_rejected": _("Release turned down"),
    "release_resubmitted": _("Handed in again for release"),
    "change_submitted": _("Change applied for"),
    "change_approved_by_body": _("Change approved by a body"),
    "change_approved": _("Change application approved"),
    "change_result_recorded": _("Change made, result recorded"),
    "change_confirmed_by_body": _("Change result confirmed by a body"),
    "new_version": _("New version current"),
    "change_rejected": _("Change rejected"),
    "change_withdrawn": _("Change withdrawn"),
    "scrap_submitted": _("Scrapping applied for"),
    "scrap_approved_by_body": _("Scrapping approved by a body"),
    "scrapped": _("Scrapped"),
    "scrap_rejected": _("Scrapping rejected"),
    "scrap_withdrawn": _("Scrapping withdrawn"),
    "borrow_submitted": _("Loan applied for"),
    "borrow_approved_by_body": _("Loan approved by a body"),
    "borrow_approved": _("Loan approved"),
    "borrow_rejected": _("Loan rejected"),
    "borrow_withdrawn": _("Loan withdrawn"),
    "borrow_lent": _("Handed over"),
    "borrow_returned": _("Returned"),
    "borrow_overdue": _("Overdue reminder"),
    "check": _("Validity checked"),
    "backup": _("Backed up"),
}


def document_timeline(*, document, limit: int = 200) -> list[TimelineEntry]:
    """The document's story, newest first: its transitions and events with readable
    titles, and the catalogue corrections from the field audit (fixed query count)."""
    # Field corrections only: the creation is the "Registered" transition already.
    entries = [e for e in audit_timeline(subject=document, limit=limit) if e.kind == "update"]
    content_type = ContentType.objects.get_for_model(ControlledDocument)
    rows = (
        TransitionLog.objects.filter(content_type=content_type, object_id=str(document.pk))
        .select_related("actor__person")
        .order_by("-at", "-pk")[:limit]
    )
    labels = dict(DocumentStatus.choices)
    for row in rows:
        changes = []
        if row.source and row.source != row.target:
            changes = [
                (
                    str(_("Status")),
                    str(labels.get(row.source, row.source)),
                    str(labels.get(row.target, row.target)),
                )
            ]
        entries.append(
            TimelineEntry(
                at=row.at,
                kind="transition",
                actor=row.actor,
                title=str(TRANSITION_TITLES.get(row.transition, row.transition)),
                changes=changes,
                note=row.note,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# --- the driver and software library (§4.3.3) ----------------------------------------------


def library_list(
    *,
    user,
    kind: str = "",
    model: str = "",
    ci_class: str = "",
    query: str = "",
    include_superseded: bool = False,
) -> QuerySet[LibraryEntry]:
    """Library entries `user` may see, filtered; two queries a page (entries, classes).

    `model` matches the entries listing a model that contains it (any case and spacing);
    `ci_class` (a CMDB class code) the entries for that class. Both together (the
    device page's link) also find the class-wide entries that list no model at all.
    """
    entries = LibraryEntry.objects.restrict(user, "view")
    if not include_superseded:
        entries = entries.filter(superseded=False)
    if kind:
        entries = entries.filter(kind=kind)
    key = model_key(model)
    of_class = (
        Exists(
            LibraryEntry.ci_classes.through.objects.filter(
                libraryentry=OuterRef("pk"), ciclass__code=ci_class
            )
        )
        if ci_class
        else None
    )
    if key and of_class is not None:
        entries = entries.filter(Q(models_key__contains=key) | (Q(models_key="") & of_class))
    elif key:
        entries = entries.filter(models_key__contains=key)
    elif of_class is not None:
        entries = entries.filter(of_class)
    for word in (query or "").split()[:5]:
        entries = entries.filter(
            Q(title__icontains=word)
            | Q(vendor__icontains=word)
            | Q(operating_system__icontains=word)
            | Q(version__icontains=word)
            | Q(notes__icontains=word)
        )
    return entries.select_related("added_by__person").prefetch_related("ci_classes")


def library_get(*, user, pk: int) -> LibraryEntry:
    entry = (
        LibraryEntry.objects.restrict(user, "view")
        .select_related("added_by__person")
        .prefetch_related("ci_classes")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such library entry.")
    return entry


def library_classes():
    """The CMDB classes to filter the library by (read, never written, from the CMDB)."""
    from cmdb.models import CIClass

    return CIClass.objects.order_by("name")
