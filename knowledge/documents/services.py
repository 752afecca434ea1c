"""Every write to the controlled documents (文档管理, operations plan §3.2).

Each service checks the acting user's right (knowledge.permissions.DOCUMENT_RULES) →
locks the rows (document first, then the application) and compares the revision the
user saw → fires the transition → saves → writes the transition log (on the
application and on the document, so the document's timeline tells the whole story) →
notifies. All in one transaction: a refusal leaves nothing half-done.
"""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from itsm.services import transition_record
from servicedesk.choices import Role
from servicedesk.notifications import notify, notify_many

from .. import permissions
from ..choices import (
    DOCUMENT_IN_USE,
    ApplicationStatus,
    BackupMedium,
    BorrowForm,
    BorrowStatus,
    CheckResult,
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
    DocumentScrapApplication,
    DocumentValidityCheck,
    DocumentVersion,
)
from . import numbering
from .files import file_store

BORROW_MAX_DAYS = 90
# Custodians hear of a validity check this many days before it is due.
CHECK_REMIND_DAYS = 7

CATALOGUE_FIELDS = (
    "document_class",
    "document_type",
    "name",
    "description",
    "storage_location",
    "electronic_location",
    "retention_years",
    "custodian",
    "check_interval_months",
)


class DocumentConflict(Exception):
    """Someone else changed the document or application since the user loaded it."""

    def __init__(self):
        super().__init__(
            _("This document was changed by someone else. Please reload the page and try again.")
        )


class IllegalTransition(ValidationError):
    pass


# --- helpers -------------------------------------------------------------------------


def _check(actor, action: str) -> None:
    if not permissions.document_allowed(actor, action):
        raise PermissionDenied(permissions.document_refusal(action))


def _not_own(application, actor) -> None:
    if application.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("You filed %(number)s yourself: another approver must decide it.")
            % {"number": application.number}
        )


def _locked_document(document, expected_revision=None) -> ControlledDocument:
    current = (
        ControlledDocument.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=document.pk)
    )
    if expected_revision is not None and current.revision != expected_revision:
        raise DocumentConflict()
    return current


def _locked_application(application, expected_revision=None):
    current = type(application).objects.select_for_update().get(pk=application.pk)
    if expected_revision is not None and current.revision != expected_revision:
        raise DocumentConflict()
    return current


def _save(obj) -> None:
    obj.revision += 1
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise DocumentConflict() from exc


def _fire(obj, method, action: str, **kwargs) -> None:
    """Run a transition; an impossible one says what the object is now."""
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:
        raise IllegalTransition(_impossible(obj, action), code="status") from exc


def _impossible(obj, action: str) -> str:
    label = ACTION_LABELS.get(action, action)
    if obj.status == ACTION_TARGETS.get(action):
        return _("%(number)s is already %(status)s; nothing was changed.") % {
            "number": obj.number,
            "status": obj.get_status_display().lower(),
        }
    return _("%(number)s is %(status)s and cannot be %(action)s.") % {
        "number": obj.number,
        "status": obj.get_status_display().lower(),
        "action": label,
    }


def _log(subject, transition: str, source: str, actor, note: str = "") -> None:
    transition_record(
        subject=subject,
        transition=transition,
        source=source,
        target=subject.status,
        actor=actor,
        note=note,
    )


def _approvers():
    return (
        get_user_model()
        .objects.filter(groups__name=Role.APPROVER, is_active=True)
        .select_related(None)
        .distinct()
    )


def _keepers(document):
    """Who looks after a document: its custodian, or the supervisors when it has none."""
    if document.custodian_id:
        return [document.custodian]
    return list(
        get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True).distinct()
    )


def _today() -> date:
    return timezone.localdate()


def _text(value, name, errors, *, required=False, message="") -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = message
    return value


# Past-participle labels for "cannot be …" messages, and the status an action leads to.
ACTION_LABELS = {
    "release": gettext_lazy("released"),
    "approve": gettext_lazy("approved"),
    "reject": gettext_lazy("rejected"),
    "withdraw": gettext_lazy("withdrawn"),
    "lend": gettext_lazy("handed over"),
    "return": gettext_lazy("returned"),
    "scrap": gettext_lazy("scrapped"),
}
ACTION_TARGETS = {
    "release": DocumentStatus.EFFECTIVE,
    "approve": ApplicationStatus.APPROVED,
    "reject": ApplicationStatus.REJECTED,
    "withdraw": ApplicationStatus.WITHDRAWN,
    "lend": BorrowStatus.LENT,
    "return": BorrowStatus.RETURNED,
    "scrap": DocumentStatus.SCRAPPED,
}


# --- numbers -------------------------------------------------------------------------


def _number_message(code: str, *, number: str, level: str) -> str:
    expected = {
        "A": _("A and two digits, e.g. A01"),
        "B": _("B and two digits, e.g. B03"),
        "C": _("C, the procedure's two digits and two digits, e.g. C0101"),
        "D": _("D, the procedure's two digits and two digits, e.g. D0201"),
    }.get(level, _("A01, B01, C0101 or D0201"))
    if code == "zero":
        return _("Serial numbers start at 01: “%(number)s” is not valid.") % {"number": number}
    if code == "full":
        return _("There is no free number left at this level (99 are used).")
    return _("“%(number)s” is not a valid number for this level: expected %(expected)s.") % {
        "number": number,
        "expected": expected,
    }


def document_number_resolve(*, level: str, number: str = "", procedure=None):
    """(number, procedure document) for a new document, or ValidationError on `number`.

    A given number must match the level's pattern and, for levels C and D, name an
    existing procedure (B…) in the catalogue that is not scrapped. Without a number the
    next free one is taken (scrapped documents keep theirs: a number is never reused).
    """
    if level not in DocumentLevel.values:
        raise ValidationError({"level": _("Choose the document level (A, B, C or D).")})
    needs_procedure = level in (DocumentLevel.SUPPORTING, DocumentLevel.FORM)
    number = (number or "").strip().upper()
    if number:
        try:
            parsed = numbering.parse(number, level=level)
        except numbering.NumberFormatError as exc:
            raise ValidationError(
                {"number": _number_message(str(exc), number=number, level=level)}
            ) from exc
        procedure_number = parsed.procedure_number
        if needs_procedure and procedure is not None and procedure.number != procedure_number:
            raise ValidationError(
                {
                    "number": _("%(number)s derives from procedure %(expected)s, not %(chosen)s.")
                    % {
                        "number": number,
                        "expected": procedure_number,
                        "chosen": procedure.number,
                    }
                }
            )
    elif needs_procedure and procedure is None:
        raise ValidationError(
            {"procedure": _("Choose the procedure (level B) this document derives from.")}
        )
    if needs_procedure:
        wanted = procedure.number if procedure is not None else procedure_number
        procedure = ControlledDocument.objects.filter(
            number=wanted, level=DocumentLevel.PROCEDURE
        ).first()
        if procedure is None:
            raise ValidationError(
                {
                    "number": _(
                        "Procedure %(procedure)s is not in the catalogue: register it first."
                    )
                    % {"procedure": wanted}
                }
            )
        if procedure.status == DocumentStatus.SCRAPPED:
            raise ValidationError(
                {
                    "number": _("Procedure %(procedure)s is scrapped: no new documents under it.")
                    % {"procedure": procedure.number}
                }
            )
    else:
        procedure = None
    if not number:
        serial = int(procedure.number[1:]) if procedure is not None else None
        used = list(ControlledDocument.objects.filter(level=level).values_list("number", flat=True))
        try:
            number = numbering.next_number(level, used, procedure=serial)
        except numbering.NumberFormatError as exc:
            raise ValidationError(
                {"number": _number_message("full", number="", level=level)}
            ) from exc
    existing = ControlledDocument.objects.filter(number=number).first()
    if existing is not None:
        raise ValidationError(
            {
                "number": _("%(number)s is already in the catalogue (%(name)s, %(status)s).")
                % {
                    "number": number,
                    "name": existing.name,
                    "status": existing.get_status_display().lower(),
                }
            }
        )
    return number, procedure


def _clean_catalogue(fields: dict) -> dict:
    cleaned = dict(fields)
    errors: dict[str, str] = {}
    if "name" in cleaned:
        cleaned["name"] = _text(
            cleaned["name"], "name", errors, required=True, message=_("Give the document a name.")
        )
    for name in ("description", "storage_location", "electronic_location"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "document_type" in cleaned and cleaned["document_type"] not in DocumentType.values:
        errors["document_type"] = _("Choose the document type.")
    if "document_class" in cleaned and cleaned["document_class"] not in DocumentClass.values:
        errors["document_class"] = _("Choose the document class.")
    retention = cleaned.get("retention_years")
    if retention is not None and not 1 <= retention <= 100:
        errors["retention_years"] = _(
            "Retention is 1 to 100 years; leave it empty to keep the document permanently."
        )
    if "check_interval_months" in cleaned:
        interval = cleaned["check_interval_months"]
        if interval is None or not 1 <= interval <= 60:
            errors["check_interval_months"] = _("Check validity every 1 to 60 months.")
    custodian = cleaned.get("custodian")
    if custodian is not None and not permissions.can_read_documents(custodian):
        errors["custodian"] = _("The custodian must be IT staff or an approver.")
    if errors:
        raise ValidationError(errors)
    return cleaned


# --- the catalogue ---------------------------------------------------------------------


@transaction.atomic
def document_register(
    *,
    actor,
    level: str,
    name: str,
    document_type: str,
    number: str = "",
    procedure=None,
    document_class: str = DocumentClass.OPERATIONS,
    description: str = "",
    storage_location: str = "",
    electronic_location: str = "",
    retention_years: int | None = None,
    custodian=None,
    check_interval_months: int = 12,
    version_label: str = "1.0",
    file=None,
) -> ControlledDocument:
    """Register a document (《文件登记表》): a draft with version 1, awaiting release.

    The number is checked against the scheme (or the next free one is taken); the file,
    when given, is checked for type and size before anything is stored.
    """
    _check(actor, "register")
    fields = _clean_catalogue(
        {
            "name": name,
            "document_type": document_type,
            "document_class": document_class,
            "description": description,
            "storage_location": storage_location,
            "electronic_location": electronic_location,
            "retention_years": retention_years,
            "custodian": custodian,
            "check_interval_months": check_interval_months,
        }
    )
    number, procedure = document_number_resolve(level=level, number=number, procedure=procedure)
    version_label = (version_label or "").strip() or "1.0"
    document = ControlledDocument(
        **fields, number=number, level=level, procedure=procedure, registered_by=actor
    )
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # the same number registered a moment ago
        raise ValidationError(
            {"number": _("%(number)s was just registered by someone else.") % {"number": number}}
        ) from exc
    version = DocumentVersion(
        document=document, sequence=1, label=version_label[:20], created_by=actor
    )
    if file is not None:
        file_store(version, file)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    _log(document, "register", "", actor)
    return document


@transaction.atomic
def document_update(*, document, actor, expected_revision=None, **fields) -> ControlledDocument:
    """Correct the catalogue entry (not its number, level, version or status).

    A scrapped document is history and is not edited.
    """
    _check(actor, "edit")
    unknown = set(fields) - set(CATALOGUE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    document = _locked_document(document, expected_revision)
    if document.status == DocumentStatus.SCRAPPED:
        raise ValidationError(_("A scrapped document is kept as it was and cannot be edited."))
    cleaned = _clean_catalogue(fields)
    changed = [name for name, value in cleaned.items() if getattr(document, name) != value]
    if not changed:
        return document
    for name in changed:
        setattr(document, name, cleaned[name])
    if "check_interval_months" in changed and document.last_checked_on:
        document.next_check_on = numbering.add_months(
            document.last_checked_on, document.check_interval_months
        )
    _save(document)
    return document


@transaction.atomic
def document_release(*, document, actor, note: str = "", expected_revision=None):
    """The approvers release a registered draft: it becomes effective and its checks start.

    Whoever registered the document cannot release it.
    """
    _check(actor, "release")
    document = _locked_document(document, expected_revision)
    if document.registered_by_id == actor.pk:
        raise PermissionDenied(
            _("You registered %(number)s yourself: another approver must release it.")
            % {"number": document.number}
        )
    source = document.status
    now = timezone.now()
    _fire(
        document,
        document.release,
        "release",
        by=actor,
        at=now,
        next_check_on=numbering.add_months(timezone.localdate(now), document.check_interval_months),
    )
    _save(document)
    if document.current_version_id:
        DocumentVersion.objects.filter(pk=document.current_version_id).update(
            effective_on=document.release_date
        )
    _log(document, "release", source, actor, note)
    return document


# --- change and scrap applications -------------------------------------------------------


def _next_label(document) -> str:
    current = document.current_version.label if document.current_version_id else ""
    major = current.split(".")[0]
    if major.isdigit():
        return f"{int(major) + 1}.0"
    count = document.versions.count()
    return str(count + 1)


@transaction.atomic
def change_apply(
    *, document, actor, reason: str, content: str, file, new_version_label: str = ""
) -> DocumentChangeApplication:
    """File a change application (《文件更改申请单》) with the revised file.

    The document is under change until the application is decided: one change at a
    time, and a draft or scrapped document cannot be changed.
    """
    _check(actor, "apply_change")
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, required=True, message=_("Say why it must change."))
    content = _text(content, "content", errors, required=True, message=_("Describe what changes."))
    if file is None:
        errors["file"] = _("Attach the revised document.")
    if errors:
        raise ValidationError(errors)
    document = _locked_document(document)
    if document.status == DocumentStatus.UNDER_CHANGE:
        pending = document.documentchangeapplications.filter(
            status=ApplicationStatus.SUBMITTED
        ).first()
        raise ValidationError(
            _("%(document)s already has change application %(number)s awaiting approval.")
            % {"document": document.number, "number": pending.number if pending else "—"},
            code="status",
        )
    if document.status != DocumentStatus.EFFECTIVE:
        raise ValidationError(
            _("Only an effective document can be changed; %(number)s is %(status)s.")
            % {"number": document.number, "status": document.get_status_display().lower()},
            code="status",
        )
    label = (new_version_label or "").strip()[:20] or _next_label(document)
    if document.versions.filter(label=label).exists():
        raise ValidationError(
            {"new_version_label": _("Version %(label)s exists already.") % {"label": label}}
        )
    application = DocumentChangeApplication(
        document=document,
        requested_by=actor,
        reason=reason,
        content=content,
        new_version_label=label,
    )
    file_store(application, file)
    application.save()
    source = document.status
    document.start_change()
    _save(document)
    _log(application, "submit", "", actor)
    _log(
        document,
        "change_submitted",
        source,
        actor,
        _("%(number)s: version %(label)s proposed. %(reason)s")
        % {"number": application.number, "label": label, "reason": reason},
    )
    notify(
        recipients=_approvers(),
        subject=_("Document change to approve: %(document)s") % {"document": document},
        body=reason,
        url=document.get_absolute_url(),
    )
    return application


@transaction.atomic
def scrap_apply(*, document, actor, reason: str, content: str = "") -> DocumentScrapApplication:
    """File a scrap application (《报废申请单》); approved, the document is scrapped."""
    _check(actor, "apply_scrap")
    errors: dict[str, str] = {}
    reason = _text(
        reason, "reason", errors, required=True, message=_("Say why it should be scrapped.")
    )
    if errors:
        raise ValidationError(errors)
    document = _locked_document(document)
    if document.status not in (DocumentStatus.DRAFT, DocumentStatus.EFFECTIVE):
        message = (
            _("Decide the pending change of %(number)s first.")
            if document.status == DocumentStatus.UNDER_CHANGE
            else _("%(number)s is scrapped already.")
        )
        raise ValidationError(message % {"number": document.number}, code="status")
    pending = document.documentscrapapplications.filter(status=ApplicationStatus.SUBMITTED).first()
    if pending is not None:
        raise ValidationError(
            _("Scrap application %(number)s is already awaiting approval.")
            % {"number": pending.number},
            code="status",
        )
    application = DocumentScrapApplication.objects.create(
        document=document, requested_by=actor, reason=reason, content=(content or "").strip()
    )
    _log(application, "submit", "", actor)
    _log(
        document,
        "scrap_submitted",
        document.status,
        actor,
        f"{application.number}: {reason}",
    )
    notify(
        recipients=_approvers(),
        subject=_("Document scrapping to approve: %(document)s") % {"document": document},
        body=reason,
        url=document.get_absolute_url(),
    )
    return application


def _approve_change(application, document, actor) -> None:
    today = _today()
    sequence = (document.versions.aggregate(top=Max("sequence"))["top"] or 0) + 1
    version = DocumentVersion(
        document=document,
        sequence=sequence,
        label=application.new_version_label,
        summary=application.content,
        change_application=application,
        effective_on=today,
        created_by=application.requested_by,
        file=application.file.name,
        original_name=application.original_name,
        content_type=application.content_type,
        size=application.size,
    )
    version.save()
    if document.current_version_id:
        DocumentVersion.objects.filter(pk=document.current_version_id).update(superseded_on=today)
    source = document.status
    _fire(
        document,
        document.finish_change,
        "approve",
        version=version,
        on=today,
        next_check_on=numbering.add_months(today, document.check_interval_months),
    )
    _save(document)
    _log(
        document,
        "new_version",
        source,
        actor,
        _("Version %(label)s is current (%(number)s); the previous version is kept.")
        % {"label": version.label, "number": application.number},
    )


def _end_change(document, actor, transition: str, note: str) -> None:
    if document.status != DocumentStatus.UNDER_CHANGE:
        return
    source = document.status
    document.finish_change()
    _save(document)
    _log(document, transition, source, actor, note)


def _kind(application) -> str:
    return {
        DocumentChangeApplication: "change",
        DocumentScrapApplication: "scrap",
        DocumentBorrowApplication: "borrow",
    }[type(application)]


@transaction.atomic
def application_approve(*, application, actor, note: str = "", expected_revision=None):
    """Approve a change, scrap or borrowing application (approvers; never one's own).

    A change makes its file the document's current version; a scrapping scraps the
    document (kept in the catalogue); a loan may then be handed over. Approving an
    application that is no longer awaiting approval is refused and changes nothing.
    """
    _check(actor, "decide")
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    _not_own(application, actor)
    source = application.status
    kind = _kind(application)
    _fire(application, application.approve, "approve", by=actor, at=timezone.now(), note=note)
    _save(application)
    _log(application, "approve", source, actor, note)
    if kind == "change":
        _approve_change(application, document, actor)
    elif kind == "scrap":
        if document.status not in (DocumentStatus.DRAFT, DocumentStatus.EFFECTIVE):
            raise ValidationError(
                _("Decide the pending change of %(number)s first.") % {"number": document.number},
                code="status",
            )
        doc_source = document.status
        document.scrap(at=timezone.now())
        _save(document)
        _log(
            document,
            "scrapped",
            doc_source,
            actor,
            _("%(number)s approved; the document stays in the catalogue as history.")
            % {"number": application.number},
        )
    else:
        _log(
            document,
            "borrow_approved",
            document.status,
            actor,
            _("%(number)s approved: hand it over to %(borrower)s.")
            % {"number": application.number, "borrower": _name(application.borrower)},
        )
    notify(
        recipients=[application.requested_by],
        subject=_("%(number)s approved") % {"number": application.number},
        body=note,
        url=document.get_absolute_url(),
    )
    return application


@transaction.atomic
def application_reject(*, application, actor, note: str, expected_revision=None):
    """Reject an application (approvers, with a reason; never one's own)."""
    _check(actor, "decide")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the application is rejected.")})
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    _not_own(application, actor)
    source = application.status
    _fire(application, application.reject, "reject", by=actor, at=timezone.now(), note=note)
    _save(application)
    _log(application, "reject", source, actor, note)
    summary = f"{application.number}: {note}"
    if _kind(application) == "change":
        _end_change(document, actor, "change_rejected", summary)
    else:
        _log(document, f"{_kind(application)}_rejected", document.status, actor, summary)
    notify(
        recipients=[application.requested_by],
        subject=_("%(number)s rejected") % {"number": application.number},
        body=note,
        url=document.get_absolute_url(),
    )
    return application


@transaction.atomic
def application_withdraw(*, application, actor, note: str = "", expected_revision=None):
    """The applicant takes an undecided application back (admins may too)."""
    if not permissions.can_read_documents(actor):
        raise PermissionDenied(permissions.document_refusal("read"))
    if application.requested_by_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only the applicant can withdraw an application."))
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    source = application.status
    _fire(application, application.withdraw, "withdraw")
    _save(application)
    _log(application, "withdraw", source, actor, note)
    summary = f"{application.number}: {note}" if note else application.number
    if _kind(application) == "change":
        _end_change(document, actor, "change_withdrawn", summary)
    else:
        _log(document, f"{_kind(application)}_withdrawn", document.status, actor, summary)
    return application


# --- borrowing -------------------------------------------------------------------------


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


@transaction.atomic
def borrow_apply(
    *,
    document,
    actor,
    purpose: str,
    due_on: date,
    borrow_form: str = BorrowForm.COPY,
    borrower=None,
) -> DocumentBorrowApplication:
    """Apply to borrow a document in use (《文件借阅申请单》), returning it by `due_on`."""
    _check(actor, "borrow")
    errors: dict[str, str] = {}
    purpose = _text(purpose, "purpose", errors, required=True, message=_("Say what it is for."))
    today = _today()
    if due_on is None:
        errors["due_on"] = _("Give the date it will be returned by.")
    elif due_on < today:
        errors["due_on"] = _("The return date cannot be in the past.")
    elif due_on > today + timedelta(days=BORROW_MAX_DAYS):
        errors["due_on"] = _("Documents are lent for at most %(days)d days.") % {
            "days": BORROW_MAX_DAYS
        }
    if borrow_form not in BorrowForm.values:
        errors["borrow_form"] = _("Choose original, copy or electronic copy.")
    borrower = borrower or actor
    if not permissions.can_read_documents(borrower):
        errors["borrower"] = _("The borrower must be IT staff or an approver.")
    if errors:
        raise ValidationError(errors)
    document = _locked_document(document)
    if document.status not in DOCUMENT_IN_USE:
        raise ValidationError(
            _("Only documents in use are lent; %(number)s is %(status)s.")
            % {"number": document.number, "status": document.get_status_display().lower()},
            code="status",
        )
    application = DocumentBorrowApplication.objects.create(
        document=document,
        requested_by=actor,
        borrower=borrower,
        purpose=purpose,
        due_on=due_on,
        borrow_form=borrow_form,
    )
    _log(application, "submit", "", actor)
    _log(
        document,
        "borrow_submitted",
        document.status,
        actor,
        _("%(number)s: %(borrower)s until %(due)s. %(purpose)s")
        % {
            "number": application.number,
            "borrower": _name(borrower),
            "due": due_on.isoformat(),
            "purpose": purpose,
        },
    )
    notify(
        recipients=_approvers(),
        subject=_("Document loan to approve: %(document)s") % {"document": document},
        body=purpose,
        url=document.get_absolute_url(),
    )
    return application


@transaction.atomic
def borrow_lend(*, application, actor, expected_revision=None) -> DocumentBorrowApplication:
    """The keeper hands an approved loan over to the borrower."""
    _check(actor, "lend")
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    if document.status == DocumentStatus.SCRAPPED:
        raise ValidationError(
            _("%(number)s was scrapped after approval: it is not lent any more.")
            % {"number": document.number},
            code="status",
        )
    source = application.status
    _fire(application, application.lend, "lend", by=actor, at=timezone.now())
    _save(application)
    _log(application, "lend", source, actor)
    _log(
        document,
        "borrow_lent",
        document.status,
        actor,
        _("%(number)s handed over to %(borrower)s, back by %(due)s.")
        % {
            "number": application.number,
            "borrower": _name(application.borrower),
            "due": application.due_on.isoformat(),
        },
    )
    return application


@transaction.atomic
def borrow_return(*, application, actor, note: str = "", expected_revision=None):
    """The keeper takes a lent document back."""
    _check(actor, "lend")
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    source = application.status
    _fire(application, application.give_back, "return", to=actor, at=timezone.now())
    _save(application)
    _log(application, "return", source, actor, note)
    late = (_today() - application.due_on).days
    summary = (
        _("%(number)s returned %(days)d days late.") % {"number": application.number, "days": late}
        if late > 0
        else _("%(number)s returned.") % {"number": application.number}
    )
    _log(document, "borrow_returned", document.status, actor, f"{summary} {note}".strip())
    return application


def overdue_borrowings_scan(*, today: date | None = None) -> int:
    """Remind borrower and keeper of each loan past its due date, once per due date.

    Each loan is claimed with a conditional UPDATE of `overdue_reminded_for` before its
    notification is written, in one transaction: a rerun or a second worker sends nothing.
    Returns the number of loans reminded.
    """
    today = today or _today()
    due = (
        DocumentBorrowApplication.objects.filter(status=BorrowStatus.LENT, due_on__lt=today)
        .exclude(overdue_reminded_for=F("due_on"))
        .select_related("document__custodian", "borrower__person", "lent_by")
        .order_by("due_on", "pk")[:1000]
    )
    messages = []
    with transaction.atomic():
        for loan in due:
            claimed = (
                DocumentBorrowApplication.objects.filter(
                    pk=loan.pk, status=BorrowStatus.LENT, due_on=loan.due_on
                )
                .exclude(overdue_reminded_for=loan.due_on)
                .update(overdue_reminded_for=loan.due_on)
            )
            if not claimed:
                continue
            document = loan.document
            subject = _("Overdue: %(document)s was due back on %(due)s") % {
                "document": document,
                "due": loan.due_on.isoformat(),
            }
            body = _("%(number)s, borrowed by %(borrower)s.") % {
                "number": loan.number,
                "borrower": _name(loan.borrower),
            }
            recipients = [loan.borrower, loan.lent_by, *_keepers(document)]
            messages.append((recipients, subject, body, document.get_absolute_url()))
            transition_record(
                subject=document,
                transition="borrow_overdue",
                source=document.status,
                target=document.status,
                note=f"{loan.number}: {subject}",
            )
        notify_many(messages)
    return len(messages)


# --- validity checks and backups -----------------------------------------------------------


@transaction.atomic
def check_record(
    *,
    document,
    actor,
    result: str,
    note: str = "",
    checked_on: date | None = None,
    expected_revision=None,
) -> DocumentValidityCheck:
    """Record a validity check of a document in use; it sets the next check date.

    "Needs a change" and "obsolete" need a note (what is wrong); they do not change the
    document by themselves: a change or scrap application does.
    """
    _check(actor, "check")
    errors: dict[str, str] = {}
    today = _today()
    checked_on = checked_on or today
    if result not in CheckResult.values:
        errors["result"] = _("Choose the result of the check.")
    note = (note or "").strip()
    if result in (CheckResult.NEEDS_CHANGE, CheckResult.OBSOLETE) and not note:
        errors["note"] = _("Say what is no longer valid.")
    if checked_on > today:
        errors["checked_on"] = _("A check cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    document = _locked_document(document, expected_revision)
    if document.status not in DOCUMENT_IN_USE:
        raise ValidationError(
            _("Only documents in use are checked; %(number)s is %(status)s.")
            % {"number": document.number, "status": document.get_status_display().lower()},
            code="status",
        )
    next_on = numbering.add_months(checked_on, document.check_interval_months)
    check = DocumentValidityCheck.objects.create(
        document=document,
        checked_on=checked_on,
        result=result,
        note=note,
        checked_by=actor,
        version_label=document.version_label,
        next_check_on=next_on,
    )
    document.last_checked_on = checked_on
    document.next_check_on = next_on
    _save(document)
    _log(
        document,
        "check",
        document.status,
        actor,
        f"{check.number}: {check.get_result_display()}. {note}".strip(),
    )
    return check


def validity_check_scan(*, today: date | None = None) -> int:
    """Remind custodians of documents whose validity check is due (or due within a week).

    Claimed per document and due date with a conditional UPDATE of `check_reminded_for`,
    so each due date is reminded once whatever the number of runs. Returns how many.
    """
    today = today or _today()
    due = (
        ControlledDocument.objects.filter(
            status__in=DOCUMENT_IN_USE,
            next_check_on__lte=today + timedelta(days=CHECK_REMIND_DAYS),
        )
        .exclude(check_reminded_for=F("next_check_on"))
        .select_related("custodian")
        .order_by("next_check_on", "pk")[:1000]
    )
    messages = []
    with transaction.atomic():
        for document in due:
            claimed = (
                ControlledDocument.objects.filter(
                    pk=document.pk, next_check_on=document.next_check_on
                )
                .exclude(check_reminded_for=document.next_check_on)
                .update(check_reminded_for=document.next_check_on)
            )
            if not claimed:
                continue
            subject = _("Validity check due on %(date)s: %(document)s") % {
                "date": document.next_check_on.isoformat(),
                "document": document,
            }
            body = _("Check that the version in use is still valid and record the result.")
            messages.append((_keepers(document), subject, body, document.get_absolute_url()))
        notify_many(messages)
    return len(messages)


@transaction.atomic
def backup_create(
    *,
    actor,
    content: str,
    backed_up_on: date,
    medium: str,
    location: str,
    documents=(),
    verified: bool = False,
    note: str = "",
) -> DocumentBackup:
    """Record a backup of document material (《文件备份记录》)."""
    _check(actor, "backup")
    errors: dict[str, str] = {}
    content = _text(content, "content", errors, required=True, message=_("Say what was backed up."))
    location = _text(
        location, "location", errors, required=True, message=_("Say where the backup is kept.")
    )
    if medium not in BackupMedium.values:
        errors["medium"] = _("Choose the backup medium.")
    if backed_up_on is None:
        errors["backed_up_on"] = _("Give the date of the backup.")
    elif backed_up_on > _today():
        errors["backed_up_on"] = _("A backup cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    backup = DocumentBackup.objects.create(
        content=content,
        backed_up_on=backed_up_on,
        medium=medium,
        location=location,
        performed_by=actor,
        verified=bool(verified),
        verified_by=actor if verified else None,
        verified_at=now if verified else None,
        note=(note or "").strip(),
    )
    documents = list(documents or [])
    if documents:
        backup.documents.set(documents)
        for document in documents:
            transition_record(
                subject=document,
                transition="backup",
                source=document.status,
                target=document.status,
                actor=actor,
                note=f"{backup.number}: {backup.get_medium_display()}, {location}",
            )
    return backup


@transaction.atomic
def backup_verify(*, backup, actor) -> DocumentBackup:
    """Mark that restoring the backup was tried and worked."""
    _check(actor, "verify_backup")
    backup = DocumentBackup.objects.select_for_update().get(pk=backup.pk)
    if backup.verified:
        raise ValidationError(
            _("%(number)s is already verified; nothing was changed.") % {"number": backup.number},
            code="status",
        )
    backup.verified, backup.verified_by, backup.verified_at = True, actor, timezone.now()
    backup.save(update_fields=["verified", "verified_by", "verified_at", "updated_at"])
    return backup
