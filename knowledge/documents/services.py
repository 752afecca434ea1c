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
from servicedesk.choices import ApprovalBody, Role
from servicedesk.notifications import notify, notify_many

from .. import permissions
from ..choices import (
    DOCUMENT_IN_USE,
    ApplicationKind,
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
from . import bodies as approval_bodies
from . import numbering
from .files import file_store

BORROW_MAX_DAYS = 90
# A change application still under way: the document is under change meanwhile.
CHANGE_OPEN = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.CONFIRMING,
]
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


def _may_record_result(application, actor) -> None:
    person = getattr(actor, "person", None)
    ops_department = (
        permissions.document_allowed(actor, "decide")
        and person is not None
        and person.approval_body == ApprovalBody.OPS_DEPARTMENT
    )
    if (
        application.requested_by_id == actor.pk
        or permissions.document_allowed(actor, "edit")
        or ops_department
    ):
        return
    raise PermissionDenied(
        _(
            "Only whoever applied, the document keepers or the operations department can "
            "record how this change was made."
        )
    )


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
    "confirm": gettext_lazy("confirmed"),
    "lend": gettext_lazy("handed over"),
    "return": gettext_lazy("returned"),
    "scrap": gettext_lazy("scrapped"),
}
ACTION_TARGETS = {
    "release": DocumentStatus.EFFECTIVE,
    "approve": ApplicationStatus.APPROVED,
    "reject": ApplicationStatus.REJECTED,
    "withdraw": ApplicationStatus.WITHDRAWN,
    "confirm": ApplicationStatus.COMPLETED,
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
    """Register a document (《文件登记表》): a draft with version 1, awaiting release by
    the bodies the plan names (the information centre).

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


# --- decisions by the client bodies ----------------------------------------------------------

_SUBJECT_FIELD = {
    "change": "change_application",
    "scrap": "scrap_application",
    "borrow": "borrow_application",
}


def _open_decisions(*, document, kind, stage=DecisionStage.APPROVAL, application=None, round=1):
    """One pending row per body the plan requires, frozen from the configuration now."""
    subject = {_SUBJECT_FIELD[kind]: application} if application is not None else {}
    rows = [
        DocumentDecision(
            document=document,
            kind=kind,
            stage=stage,
            round=round,
            body=body,
            order=order,
            **subject,
        )
        for order, body in enumerate(approval_bodies.required_bodies(kind, stage))
    ]
    DocumentDecision.objects.bulk_create(rows)
    return rows


def _current_decisions(*, document, kind, stage=DecisionStage.APPROVAL, application=None):
    """The latest round's rows, locked; opened now for what was filed before they existed."""
    rows = DocumentDecision.objects.select_for_update().filter(kind=kind, stage=stage)
    if application is not None:
        rows = rows.filter(**{_SUBJECT_FIELD[kind]: application})
    else:
        rows = rows.filter(document=document)
    rows = list(rows.order_by("round", "order", "pk"))
    if not rows:
        return _open_decisions(document=document, kind=kind, stage=stage, application=application)
    latest = rows[-1].round
    return [row for row in rows if row.round == latest]


def _record_decision(rows, *, actor, number: str, decision: str, comment: str) -> str:
    """Fill in the acting approver's body's row; 'approved' once every body has approved,
    'rejected' on a rejection, '' while bodies are still awaited.

    An approver of another body (or of none) and a body that has decided already are
    refused, with the bodies that must decide named.
    """
    body = approval_bodies.body_of(actor)
    wanted = approval_bodies.bodies_label(row.body for row in rows)
    row = next((row for row in rows if row.body == body), None)
    if row is None:
        if not body:
            raise PermissionDenied(
                _(
                    "Your approver profile names no body you sign for; %(bodies)s must "
                    "decide %(number)s. An administrator sets it on your profile."
                )
                % {"bodies": wanted, "number": number}
            )
        raise PermissionDenied(
            _("%(number)s is for %(bodies)s to decide; you sign for %(body)s.")
            % {"number": number, "bodies": wanted, "body": approval_bodies.body_label(body)}
        )
    if not row.is_pending:
        raise IllegalTransition(
            _(
                "%(body)s has already decided %(number)s (%(decision)s by %(name)s); "
                "nothing was changed."
            )
            % {
                "body": row.get_body_display(),
                "number": number,
                "decision": str(row.decision_label).lower(),
                "name": _name(row.decided_by) if row.decided_by_id else "—",
            },
            code="status",
        )
    row.decision = decision
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.comment = comment
    row.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    if decision == Decision.REJECTED:
        return Decision.REJECTED
    if all(other.decision == Decision.APPROVED for other in rows):
        return Decision.APPROVED
    return ""


def _body_note(row_body: str, number: str, verb: str, comment: str) -> str:
    text = _("%(number)s: %(verb)s by %(body)s.") % {
        "number": number,
        "verb": verb,
        "body": approval_bodies.body_label(row_body),
    }
    return f"{text} {comment}".strip()


def _approvers(bodies=None):
    """Active approvers, only those signing for `bodies` when given."""
    users = get_user_model().objects.filter(groups__name=Role.APPROVER, is_active=True)
    if bodies is not None:
        users = users.filter(person__approval_body__in=list(bodies))
    return users.select_related(None).distinct()


@transaction.atomic
def document_release(*, document, actor, note: str = "", expected_revision=None):
    """Record a body's approval of a registered draft (《文件登记表》); once every body the
    plan names has approved (the information centre), the document is effective and its
    validity checks start.

    Whoever registered the document cannot release it; an approver of another body is
    refused, and so is a body deciding twice.
    """
    _check(actor, "release")
    document = _locked_document(document, expected_revision)
    if document.registered_by_id == actor.pk:
        raise PermissionDenied(
            _("You registered %(number)s yourself: another approver must release it.")
            % {"number": document.number}
        )
    if document.status != DocumentStatus.DRAFT:
        raise IllegalTransition(_impossible(document, "release"), code="status")
    rows = _current_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    _refuse_turned_down(document, rows)
    note = (note or "").strip()
    actor_body = approval_bodies.body_of(actor)
    outcome = _record_decision(
        rows, actor=actor, number=document.number, decision=Decision.APPROVED, comment=note
    )
    summary = _body_note(actor_body, document.number, _("approved"), note)
    if outcome != Decision.APPROVED:
        _save(document)
        _log(document, "release_approved_by_body", document.status, actor, summary)
        return document
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
    _log(document, "release", source, actor, summary)
    return document


def _refuse_turned_down(document, rows) -> None:
    if any(row.decision == Decision.REJECTED for row in rows):
        raise IllegalTransition(
            _(
                "The release of %(number)s was turned down; the keepers correct it and "
                "hand it in again first."
            )
            % {"number": document.number},
            code="status",
        )


@transaction.atomic
def document_release_reject(*, document, actor, note: str, expected_revision=None):
    """A body turns the release of a draft down, with the reason; the draft stays a draft
    until the keepers hand it in again (a new round of decisions)."""
    _check(actor, "release")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the release is turned down.")})
    document = _locked_document(document, expected_revision)
    if document.registered_by_id == actor.pk:
        raise PermissionDenied(
            _("You registered %(number)s yourself: another approver must release it.")
            % {"number": document.number}
        )
    if document.status != DocumentStatus.DRAFT:
        raise IllegalTransition(_impossible(document, "release"), code="status")
    rows = _current_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    _refuse_turned_down(document, rows)
    actor_body = approval_bodies.body_of(actor)
    _record_decision(
        rows, actor=actor, number=document.number, decision=Decision.REJECTED, comment=note
    )
    _save(document)
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
def document_release_resubmit(*, document, actor, note: str = "", expected_revision=None):
    """The keepers hand a turned-down draft in again: the bodies decide it afresh."""
    _check(actor, "edit")
    document = _locked_document(document, expected_revision)
    if document.status != DocumentStatus.DRAFT:
        raise IllegalTransition(_impossible(document, "release"), code="status")
    rows = _current_decisions(document=document, kind=ApplicationKind.REGISTRATION)
    if not any(row.decision == Decision.REJECTED for row in rows):
        raise IllegalTransition(
            _("%(number)s is awaiting its release decision already; nothing was changed.")
            % {"number": document.number},
            code="status",
        )
    fresh = _open_decisions(
        document=document, kind=ApplicationKind.REGISTRATION, round=rows[0].round + 1
    )
    _save(document)
    _log(document, "release_resubmitted", document.status, actor, (note or "").strip())
    notify(
        recipients=_approvers(row.body for row in fresh),
        subject=_("Document to release: %(document)s") % {"document": document},
        body=(note or "").strip() or document.description,
        url=document.get_absolute_url(),
    )
    return document


# --- change and scrap applications -------------------------------------------------------


def _next_label(document) -> str:
    current = document.current_version.label if document.current_version_id else ""
    major = current.split(".")[0]
    if major.isdecimal():
        return f"{int(major) + 1}.0"
    count = document.versions.count()
    return str(count + 1)


@transaction.atomic
def change_apply(
    *, document, actor, reason: str, content: str, file=None, new_version_label: str = ""
) -> DocumentChangeApplication:
    """File a change application (《文件更改申请单》), optionally with a draft of the
    revision; the ops department and the information centre approve it.

    The document is under change until the change is completed, rejected or withdrawn:
    one change at a time, and a draft or scrapped document cannot be changed.
    """
    _check(actor, "apply_change")
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, required=True, message=_("Say why it must change."))
    content = _text(content, "content", errors, required=True, message=_("Describe what changes."))
    if errors:
        raise ValidationError(errors)
    document = _locked_document(document)
    if document.status == DocumentStatus.UNDER_CHANGE:
        pending = document.documentchangeapplications.filter(status__in=CHANGE_OPEN).first()
        raise ValidationError(
            _("%(document)s already has change application %(number)s in progress.")
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
    if file is not None:
        file_store(application, file)
    application.save()
    rows = _open_decisions(document=document, kind="change", application=application)
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
        recipients=_approvers(row.body for row in rows),
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
    rows = _open_decisions(document=document, kind="scrap", application=application)
    _log(application, "submit", "", actor)
    _log(
        document,
        "scrap_submitted",
        document.status,
        actor,
        f"{application.number}: {reason}",
    )
    notify(
        recipients=_approvers(row.body for row in rows),
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
        summary=application.change_made or application.content,
        change_application=application,
        effective_on=today,
        created_by=application.carried_out_by or application.requested_by,
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
        "confirm",
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


def _lock_for_decision(application, actor, expected_revision):
    _check(actor, "decide")
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    _not_own(application, actor)
    return document, application


def _stage(application) -> str:
    """The stage a still-open application is being decided at ('' when none)."""
    if application.status == ApplicationStatus.SUBMITTED:  # == BorrowStatus.SUBMITTED
        return DecisionStage.APPROVAL
    if _kind(application) == "change" and application.status == ApplicationStatus.CONFIRMING:
        return DecisionStage.CONFIRMATION
    return ""


# For the selectors: what an application is, and the stage it is decided at.
application_kind = _kind
decision_stage = _stage


def _decisions_of(application, document, stage):
    return _current_decisions(
        document=document, kind=_kind(application), stage=stage, application=application
    )


def _sign_for_body(application, document, stage, *, actor, note, done, log_names):
    """The actor's body approves at `stage` (approval or result confirmation).

    Returns (decisive, the stage's decision rows, the timeline summary). When other
    bodies are still awaited the signature is saved and logged on the application and
    the document (`log_names`) and the caller stops there.
    """
    rows = _decisions_of(application, document, stage)
    outcome = _record_decision(
        rows, actor=actor, number=application.number, decision=Decision.APPROVED, comment=note
    )
    summary = _body_note(approval_bodies.body_of(actor), application.number, done, note)
    if outcome == Decision.APPROVED:
        return True, rows, summary
    application_log, document_log = log_names
    _save(application)
    _log(application, application_log, application.status, actor, summary)
    _log(document, document_log, document.status, actor, summary)
    return False, rows, summary


@transaction.atomic
def application_approve(*, application, actor, note: str = "", expected_revision=None):
    """Record a body's approval of a change, scrap or borrowing application.

    The application is approved once every body the plan names for its kind has
    approved (change and scrap: ops department and information centre; borrowing: ops
    department). Then a scrapping scraps the document (kept in the catalogue), a loan
    may be handed over, and a change is made and its result recorded (see
    change_result_record). Refused: one's own application, an approver of a body that is
    not asked, a body deciding twice, an application no longer awaiting approval.
    """
    document, application = _lock_for_decision(application, actor, expected_revision)
    kind = _kind(application)
    if _stage(application) == DecisionStage.CONFIRMATION:
        raise IllegalTransition(
            _("%(number)s is approved and its result awaits confirmation: confirm it instead.")
            % {"number": application.number},
            code="status",
        )
    if _stage(application) != DecisionStage.APPROVAL:
        raise IllegalTransition(_impossible(application, "approve"), code="status")
    note = (note or "").strip()
    source = application.status
    decisive, rows, summary = _sign_for_body(
        application,
        document,
        DecisionStage.APPROVAL,
        actor=actor,
        note=note,
        done=_("approved"),
        log_names=("approved_by_body", f"{kind}_approved_by_body"),
    )
    if not decisive:
        return application
    _fire(application, application.approve, "approve", by=actor, at=timezone.now(), note=note)
    _save(application)
    _log(application, "approve", source, actor, summary)
    if kind == "change":
        _log(
            document,
            "change_approved",
            document.status,
            actor,
            _("%(number)s approved by %(bodies)s: make the change and record its result.")
            % {
                "number": application.number,
                "bodies": approval_bodies.bodies_label(row.body for row in rows),
            },
        )
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
    """A body rejects an application, with the reason: one rejection rejects it, at the
    approval stage or (for a change) at the confirmation of its result."""
    _check(actor, "decide")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the application is rejected.")})
    document, application = _lock_for_decision(application, actor, expected_revision)
    stage = _stage(application)
    if not stage:
        raise IllegalTransition(_impossible(application, "reject"), code="status")
    rows = _decisions_of(application, document, stage)
    actor_body = approval_bodies.body_of(actor)
    _record_decision(
        rows, actor=actor, number=application.number, decision=Decision.REJECTED, comment=note
    )
    source = application.status
    _fire(application, application.reject, "reject", by=actor, at=timezone.now(), note=note)
    _save(application)
    summary = _body_note(actor_body, application.number, _("rejected"), note)
    _log(application, "reject", source, actor, summary)
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
def change_result_record(
    *,
    application,
    actor,
    change_process: str,
    change_made: str,
    change_result: str,
    file=None,
    expected_revision=None,
) -> DocumentChangeApplication:
    """Record how an approved change was made, what changed and the result, with the
    revised file (required unless the application already carries one; a new file
    replaces it). The result then awaits confirmation by the bodies the plan names.

    Recorded by whoever applied, the document keepers, or the ops department, which the
    plan has organise the change (§3.2); refused to anyone else holding `apply_change`."""
    _check(actor, "apply_change")
    _may_record_result(application, actor)
    errors: dict[str, str] = {}
    change_process = _text(
        change_process,
        "change_process",
        errors,
        required=True,
        message=_("Say how the change was made."),
    )
    change_made = _text(
        change_made, "change_made", errors, required=True, message=_("Say what was changed.")
    )
    change_result = _text(
        change_result,
        "change_result",
        errors,
        required=True,
        message=_("Say what the result of the change is."),
    )
    document = _locked_document(application.document)
    application = _locked_application(application, expected_revision)
    if file is None and not application.file:
        errors["file"] = _("Attach the revised document.")
    if errors:
        raise ValidationError(errors)
    if application.status != ApplicationStatus.APPROVED:
        raise IllegalTransition(
            _(
                "Only an approved change is carried out and its result recorded; "
                "%(number)s is %(status)s."
            )
            % {"number": application.number, "status": application.get_status_display().lower()},
            code="status",
        )
    if file is not None:
        file_store(application, file)
    source = application.status
    _fire(
        application,
        application.record_result,
        "record_result",
        by=actor,
        at=timezone.now(),
        process=change_process,
        made=change_made,
        result=change_result,
    )
    _save(application)
    rows = _open_decisions(
        document=document,
        kind=ApplicationKind.CHANGE,
        stage=DecisionStage.CONFIRMATION,
        application=application,
    )
    _log(application, "record_result", source, actor, change_result)
    _log(
        document,
        "change_result_recorded",
        document.status,
        actor,
        _("%(number)s: change made, awaiting confirmation by %(bodies)s. %(result)s")
        % {
            "number": application.number,
            "bodies": approval_bodies.bodies_label(row.body for row in rows),
            "result": change_result,
        },
    )
    notify(
        recipients=_approvers(row.body for row in rows),
        subject=_("Document change result to confirm: %(document)s") % {"document": document},
        body=change_result,
        url=document.get_absolute_url(),
    )
    return application


@transaction.atomic
def change_result_confirm(*, application, actor, note: str = "", expected_revision=None):
    """Record a body's confirmation of a change's result; once every body the plan names
    has confirmed (ops department and information centre), the revised file is the
    document's current version and the application is completed.

    Whoever recorded the result does not confirm it, nor does the applicant.
    """
    document, application = _lock_for_decision(application, actor, expected_revision)
    if application.carried_out_by_id == actor.pk:
        raise PermissionDenied(
            _("You recorded the result of %(number)s yourself: another approver confirms it.")
            % {"number": application.number}
        )
    if _stage(application) != DecisionStage.CONFIRMATION:
        raise IllegalTransition(_impossible(application, "confirm"), code="status")
    note = (note or "").strip()
    source = application.status
    decisive, _rows, summary = _sign_for_body(
        application,
        document,
        DecisionStage.CONFIRMATION,
        actor=actor,
        note=note,
        done=_("result confirmed"),
        log_names=("confirmed_by_body", "change_confirmed_by_body"),
    )
    if not decisive:
        return application
    _fire(application, application.complete, "confirm", by=actor, at=timezone.now(), note=note)
    _save(application)
    _log(application, "complete", source, actor, summary)
    _approve_change(application, document, actor)
    notify(
        recipients=[application.requested_by],
        subject=_("%(number)s completed: version %(label)s is current")
        % {"number": application.number, "label": application.new_version_label},
        body=note,
        url=document.get_absolute_url(),
    )
    return application


@transaction.atomic
def application_withdraw(*, application, actor, note: str = "", expected_revision=None):
    """The applicant takes an unfinished application back (admins may too)."""
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
    rows = _open_decisions(document=document, kind="borrow", application=application)
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
        recipients=_approvers(row.body for row in rows),
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
