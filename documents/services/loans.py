"""Borrowing (《文件借阅申请单》): apply, hand over, take back, overdue reminders."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.notifications import notify, notify_many

from .. import permissions
from ..choices import (
    BorrowForm,
    BorrowStatus,
    DocumentStatus,
)
from ..models import (
    DocumentBorrowApplication,
)
from .common import (
    BORROW_MAX_DAYS,
    CONFLICT,
    _approvers,
    _fire,
    _keepers,
    _log,
    _name,
    _text,
    _today,
)
from .decisions import _open_decisions

# --- borrowing -------------------------------------------------------------------------


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
    workflow.require(permissions.role_refusal(actor, "borrow"))
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
    document = workflow.lock(document, expected=None, conflict=CONFLICT)
    permissions.require(permissions.document_refusal(actor, document, "borrow"))
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
def borrow_lend(*, application, actor, lock_version=None) -> DocumentBorrowApplication:
    """The keeper hands an approved loan over to the borrower."""
    workflow.require(permissions.role_refusal(actor, "lend"))
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    if document.status == DocumentStatus.SCRAPPED:
        raise ValidationError(
            _("%(number)s was scrapped after approval: it is not lent any more.")
            % {"number": document.number},
            code="status",
        )
    source = application.status
    _fire(application, application.lend, "lend", actor=actor, by=actor, at=timezone.now())
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
def borrow_return(*, application, actor, note: str = "", lock_version=None):
    """The keeper takes a lent document back."""
    workflow.require(permissions.role_refusal(actor, "lend"))
    document = workflow.lock(application.document, expected=None, conflict=CONFLICT)
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    source = application.status
    _fire(application, application.give_back, "return", actor=actor, to=actor, at=timezone.now())
    _log(application, "return", source, actor, note)
    late = (_today() - application.due_on).days
    summary = (
        _("%(number)s returned %(days)d days late.") % {"number": application.number, "days": late}
        if late > 0
        else _("%(number)s returned.") % {"number": application.number}
    )
    _log(document, "borrow_returned", document.status, actor, f"{summary} {note}".strip())
    return application


def overdue_borrowings_scan(*, actor, today: date | None = None) -> int:
    """Remind borrower and keeper of each loan past its due date, once per due date.

    Each loan is claimed with a conditional UPDATE of `overdue_reminded_for` before its
    notification is written, in one transaction: a rerun or a second worker sends nothing.
    Returns the number of loans reminded. `actor` is the system actor of the beat job.
    """
    workflow.require(permissions.role_refusal(actor, "lend"))
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
            _log(document, "borrow_overdue", document.status, actor, f"{loan.number}: {subject}")
        notify_many(messages)
    return len(messages)
