"""The catalogue: registering documents (numbers by the scheme), correcting the entry,
and the bodies' release decisions (《文件登记表》)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.notifications import notify

from .. import bodies as approval_bodies
from .. import numbering, permissions
from ..choices import (
    ApplicationKind,
    Decision,
    DecisionStage,
    DocumentClass,
    DocumentLevel,
    DocumentStatus,
    DocumentType,
)
from ..files import file_store
from ..models import (
    ControlledDocument,
    DocumentVersion,
)
from .common import (
    CATALOGUE_FIELDS,
    CONFLICT,
    _approvers,
    _fire,
    _impossible,
    _log,
    _text,
)
from .decisions import (
    _body_note,
    _current_decisions,
    _open_decisions,
    _record_decision,
)

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
    """Register a document (《文件登记表》): a draft with version 1, awaiting release by
    the bodies the plan names (the information centre).

    The number is checked against the scheme (or the next free one is taken); the file,
    when given, is checked for type and size before anything is stored.
    """
    workflow.require(permissions.role_refusal(actor, "register"))
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
    rows = _open_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    _log(document, "register", "", actor)
    notify(
        recipients=_approvers(row.body for row in rows),
        subject=_("Document to release: %(document)s") % {"document": document},
        body=document.description,
        url=document.get_absolute_url(),
    )
    return document


@transaction.atomic
def document_update(*, document, actor, lock_version=None, **fields) -> ControlledDocument:
    """Correct the catalogue entry (not its number, level, version or status).

    A scrapped document is history and is not edited.
    """
    workflow.require(permissions.role_refusal(actor, "edit"))
    unknown = set(fields) - set(CATALOGUE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    document = workflow.lock(document, expected=lock_version, conflict=CONFLICT)
    permissions.require(permissions.document_refusal(actor, document, "edit"))
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
    workflow.save(document)
    return document


@transaction.atomic
def document_release(*, document, actor, note: str = "", lock_version=None):
    """Record a body's approval of a registered draft (《文件登记表》); once every body the
    plan names has approved (the information centre), the document is effective and its
    validity checks start.

    Whoever registered the document cannot release it; an approver of another body is
    refused, and so is a body deciding twice.
    """
    workflow.require(permissions.role_refusal(actor, "release"))
    document = workflow.lock(document, expected=lock_version, conflict=CONFLICT)
    if document.status != DocumentStatus.DRAFT:
        raise workflow.IllegalTransition(_impossible(document, "release"), code="status")
    rows = _current_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    note = (note or "").strip()
    actor_body = approval_bodies.body_of(actor)
    outcome = _record_decision(
        rows,
        subject=document,
        kind=ApplicationKind.REGISTRATION,
        stage=DecisionStage.APPROVAL,
        actor=actor,
        decision=Decision.APPROVED,
        comment=note,
    )
    summary = _body_note(actor_body, document.number, _("approved"), note)
    if outcome != Decision.APPROVED:
        workflow.save(document)
        _log(document, "release_approved_by_body", document.status, actor, summary)
        return document
    source = document.status
    now = timezone.now()
    _fire(
        document,
        document.release,
        "release",
        actor=actor,
        by=actor,
        at=now,
        next_check_on=numbering.add_months(timezone.localdate(now), document.check_interval_months),
    )
    if document.current_version_id:
        DocumentVersion.objects.filter(pk=document.current_version_id).update(
            effective_on=document.release_date
        )
    _log(document, "release", source, actor, summary)
    return document


@transaction.atomic
def document_release_reject(*, document, actor, note: str, lock_version=None):
    """A body turns the release of a draft down, with the reason; the draft stays a draft
    until the keepers hand it in again (a new round of decisions)."""
    workflow.require(permissions.role_refusal(actor, "release"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the release is turned down.")})
    document = workflow.lock(document, expected=lock_version, conflict=CONFLICT)
    if document.status != DocumentStatus.DRAFT:
        raise workflow.IllegalTransition(_impossible(document, "release"), code="status")
    rows = _current_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    actor_body = approval_bodies.body_of(actor)
    _record_decision(
        rows,
        subject=document,
        kind=ApplicationKind.REGISTRATION,
        stage=DecisionStage.APPROVAL,
        actor=actor,
        decision=Decision.REJECTED,
        comment=note,
    )
    workflow.save(document)
    _log(
        document,
        "release_rejected",
        document.status,
        actor,
        _body_note(actor_body, document.number, _("turned down"), note),
    )
    if document.registered_by_id:
        notify(
            recipients=[document.registered_by],
            subject=_("Release of %(document)s turned down") % {"document": document},
            body=note,
            url=document.get_absolute_url(),
        )
    return document


@transaction.atomic
def document_release_resubmit(*, document, actor, note: str = "", lock_version=None):
    """The keepers hand a turned-down draft in again: the bodies decide it afresh."""
    workflow.require(permissions.role_refusal(actor, "edit"))
    document = workflow.lock(document, expected=lock_version, conflict=CONFLICT)
    if document.status != DocumentStatus.DRAFT:
        raise workflow.IllegalTransition(_impossible(document, "release"), code="status")
    rows = _current_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    if not any(row.decision == Decision.REJECTED for row in rows):
        raise workflow.IllegalTransition(
            _("%(number)s is awaiting its release decision already; nothing was changed.")
            % {"number": document.number},
            code="status",
        )
    fresh = _open_decisions(
        document=document, kind=ApplicationKind.REGISTRATION, round=rows[0].round + 1
    )
    workflow.save(document)
    _log(document, "release_resubmitted", document.status, actor, (note or "").strip())
    notify(
        recipients=_approvers(row.body for row in fresh),
        subject=_("Document to release: %(document)s") % {"document": document},
        body=(note or "").strip() or document.description,
        url=document.get_absolute_url(),
    )
    return document
