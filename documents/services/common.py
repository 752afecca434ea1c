"""What every document service shares: the wording of conflicts and impossible steps,
timeline rows, recipients. The writes themselves go through itsm.workflow."""

from datetime import date
from functools import partial

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from servicedesk.choices import Role

from ..choices import ApplicationStatus, BorrowStatus, DocumentStatus
from ..stages import current_stage

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


# The one wording of a lost race on documents and applications (itsm.workflow.Conflict).
CONFLICT = gettext_lazy(
    "This document was changed by someone else. Please reload the page and try again."
)


def _fire(obj, method, action: str, *, actor, **kwargs) -> None:
    """The transition `method(**kwargs)` through the pipeline, saved with a new
    lock_version; the caller writes its own timeline rows (they name the body)."""
    workflow.transition(
        obj,
        actor=actor,
        name=action,
        method=partial(method, **kwargs),
        # Fully worded here (number, status in lower case): nothing left to format.
        refused=_impossible(obj, action).replace("%", "%%"),
        log=None,
    )


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
    """A timeline row on `subject` (the document's timeline tells the whole story)."""
    workflow.log_transition(
        subject, name=transition, source=source, target=subject.status, actor=actor, note=note
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


def _approvers(bodies=None):
    """Active approvers, only those signing for `bodies` when given."""
    users = get_user_model().objects.filter(groups__name=Role.APPROVER, is_active=True)
    if bodies is not None:
        users = users.filter(person__approval_body__in=list(bodies))
    return users.select_related(None).distinct()


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def _kind(application) -> str:
    return type(application).KIND


# For the selectors: what an application is, and the stage it is decided at.
application_kind = _kind
decision_stage = _stage = current_stage
