"""Change and scrap applications and the bodies' decisions on every application:
approve, reject, the change's result and its confirmation, withdrawal."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.notifications import notify

from .. import bodies as approval_bodies
from .. import numbering, permissions
from ..choices import (
    ApplicationKind,
    ApplicationStatus,
    Decision,
    DecisionStage,
    DocumentStatus,
)
from ..files import file_store
from ..models import (
    DocumentChangeApplication,
    DocumentScrapApplication,
    DocumentVersion,
)
from .common import (
    CHANGE_OPEN,
    CONFLICT,
    _approvers,
    _fire,
    _impossible,
    _kind,
    _log,
    _name,
    _stage,
    _text,
    _today,
)
from .decisions import (
    _body_note,
    _decisions_of,
    _open_decisions,
    _record_decision,
    _sign_for_body,
)

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
    workflow.require(permissions.role_refusal(actor, "apply_change"))
    errors: dict[str, str] = {}
    reason = _text(reason, "reason", errors, required=True, message=_("Say why it must change."))
    content = _text(content, "content", errors, required=True, message=_("Describe what changes."))
    if errors:
        raise ValidationError(errors)
    document = workflow.lock(document, expected=None, conflict=CONFLICT)
    open_change = document.documentchangeapplications.filter(status__in=CHANGE_OPEN).first()
    permissions.require(
        permissions.document_refusal(
            actor, document, "change", open_change=open_change.number if open_change else ""
        )
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
    workflow.save(document)
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
    workflow.require(permissions.role_refusal(actor, "apply_scrap"))
    errors: dict[str, str] = {}
    reason = _text(
        reason, "reason", errors, required=True, message=_("Say why it should be scrapped.")
    )
    if errors:
        raise ValidationError(errors)
    document = workflow.lock(document, expected=None, conflict=CONFLICT)
    pending = document.documentscrapapplications.filter(status=ApplicationStatus.SUBMITTED).first()
    permissions.require(
        permissions.document_refusal(
            actor, document, "scrap", pending_scrap=pending.number if pending else ""
        )
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
        actor=actor,
        version=version,
        on=today,
        next_check_on=numbering.add_months(today, document.check_interval_months),
    )
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
    workflow.save(document)
    _log(document, transition, source, actor, note)


@transaction.atomic
def application_approve(*, application, actor, note: str = "", lock_version=None):
    """Record a body's approval of a change, scrap or borrowing application.

    The application is approved once every body the plan names for its kind has
    approved (change and scrap: ops department and information centre; borrowing: ops
    department). Then a scrapping scraps the document (kept in the catalogue), a loan
    may be handed over, and a change is made and its result recorded (see
    change_result_record). Refused: one's own application, an approver of a body that is
    not asked, a body deciding twice, an application no longer awaiting approval.
    """
    workflow.require(permissions.role_refusal(actor, "decide"))
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    kind = _kind(application)
    if _stage(application) == DecisionStage.CONFIRMATION:
        raise workflow.IllegalTransition(
            _("%(number)s is approved and its result awaits confirmation: confirm it instead.")
            % {"number": application.number},
            code="status",
        )
    if _stage(application) != DecisionStage.APPROVAL:
        raise workflow.IllegalTransition(_impossible(application, "approve"), code="status")
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
    _fire(
        application,
        application.approve,
        "approve",
        actor=actor,
        by=actor,
        at=timezone.now(),
        note=note,
    )
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
        workflow.save(document)
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
def application_reject(*, application, actor, note: str, lock_version=None):
    """A body rejects an application, with the reason: one rejection rejects it, at the
    approval stage or (for a change) at the confirmation of its result."""
    workflow.require(permissions.role_refusal(actor, "decide"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the application is rejected.")})
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    stage = _stage(application)
    if not stage:
        raise workflow.IllegalTransition(_impossible(application, "reject"), code="status")
    rows = _decisions_of(application, document, stage)
    actor_body = approval_bodies.body_of(actor)
    _record_decision(
        rows,
        subject=application,
        kind=_kind(application),
        stage=stage,
        actor=actor,
        decision=Decision.REJECTED,
        comment=note,
    )
    source = application.status
    _fire(
        application,
        application.reject,
        "reject",
        actor=actor,
        by=actor,
        at=timezone.now(),
        note=note,
    )
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
    lock_version=None,
) -> DocumentChangeApplication:
    """Record how an approved change was made, what changed and the result, with the
    revised file (required unless the application already carries one; a new file
    replaces it). The result then awaits confirmation by the bodies the plan names.

    Recorded by whoever applied, the document keepers, or the ops department, which the
    plan has organise the change (§3.2); refused to anyone else holding `apply_change`."""
    workflow.require(permissions.result_refusal(actor, application))
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
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    if file is None and not application.file:
        errors["file"] = _("Attach the revised document.")
    if errors:
        raise ValidationError(errors)
    if application.status != ApplicationStatus.APPROVED:
        raise workflow.IllegalTransition(
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
        actor=actor,
        by=actor,
        at=timezone.now(),
        process=change_process,
        made=change_made,
        result=change_result,
    )
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
def change_result_confirm(*, application, actor, note: str = "", lock_version=None):
    """Record a body's confirmation of a change's result; once every body the plan names
    has confirmed (ops department and information centre), the revised file is the
    document's current version and the application is completed.

    Whoever recorded the result does not confirm it, nor does the applicant.
    """
    workflow.require(permissions.role_refusal(actor, "decide"))
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    if _stage(application) != DecisionStage.CONFIRMATION:
        raise workflow.IllegalTransition(_impossible(application, "confirm"), code="status")
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
    _fire(
        application,
        application.complete,
        "confirm",
        actor=actor,
        by=actor,
        at=timezone.now(),
        note=note,
    )
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
def application_withdraw(*, application, actor, note: str = "", lock_version=None):
    """The applicant takes an unfinished application back (admins may too)."""
    workflow.require(permissions.withdraw_refusal(actor, application))
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    source = application.status
    _fire(application, application.withdraw, "withdraw", actor=actor)
    _log(application, "withdraw", source, actor, note)
    summary = f"{application.number}: {note}" if note else application.number
    if _kind(application) == "change":
        _end_change(document, actor, "change_withdrawn", summary)
    else:
        _log(document, f"{_kind(application)}_withdrawn", document.status, actor, summary)
    return application
