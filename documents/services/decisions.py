"""The client bodies' decision rows: opened when something is filed, filled in by each
body's approver, decisive once every body named has approved (or one has rejected)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from .. import bodies as approval_bodies
from .. import permissions
from ..choices import Decision, DecisionStage
from ..models import DocumentDecision
from ..stages import DecisionStageView
from .common import _kind, _log

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


def _record_decision(rows, *, subject, kind: str, stage: str, actor, decision: str, comment):
    """Fill in the acting approver's body's row; 'approved' once every body has approved,
    'rejected' on a rejection, '' while bodies are still awaited.

    Refused (documents.permissions.decision_refusal, the rule the decision page and the
    approvals inbox use too): one's own registration or application, an approver of
    another body (or of none), a body that has decided already, a turned-down release.
    """
    view = DecisionStageView(kind, stage, "", rows)
    permissions.require(permissions.decision_refusal(actor, subject, view))
    body = approval_bodies.body_of(actor)
    row = next(row for row in rows if row.body == body)
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
        rows,
        subject=application,
        kind=_kind(application),
        stage=stage,
        actor=actor,
        decision=Decision.APPROVED,
        comment=note,
    )
    summary = _body_note(approval_bodies.body_of(actor), application.number, done, note)
    if outcome == Decision.APPROVED:
        return True, rows, summary
    application_log, document_log = log_names
    workflow.save(application)
    _log(application, application_log, application.status, actor, summary)
    _log(document, document_log, document.status, actor, summary)
    return False, rows, summary
