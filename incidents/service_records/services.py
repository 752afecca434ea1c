"""Every write to a service record (运行服务单), through the one pipeline (itsm.workflow).

The engineer writes the record of a visit from the work order (one per visit); the served
user confirms it in the portal, or the engineer records the signature on the printed form;
the desk reviews it (accepted, or returned with a reason, after which the engineer corrects
and resubmits it). The desk's callback waits until every record of the order is accepted
(`selectors.review_missing`, checked by `incidents.services.callback_record`).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmdb.selectors import requisitions_used_for
from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify
from servicedesk.roles import user_has_role

from ..choices import ConfirmationMethod, EventKind, ServiceRecordStatus, Status
from ..models import ServiceRecord
from ..permissions import service_record_refusal, work_order_refusal
from ..services.common import CONFLICT as WORK_ORDER_CONFLICT
from ..services.common import REFUSED as WORK_ORDER_REFUSED
from ..services.common import _event

CONFLICT = gettext_lazy(
    "This service record was changed by someone else. Please reload it and try again."
)
REFUSED = gettext_lazy("A service record that is “%(status)s” cannot do this.")
# A record is written after the visit; a clock a few minutes fast is not an error.
CLOCK_SKEW = timedelta(minutes=10)
# Orders an engineer can have visited: dispatched and not yet closed or cancelled.
VISITED_STATUSES = (
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
    Status.RESOLVED,
    Status.REOPENED,
)


def _check_times(arrived_at, left_at) -> None:
    if arrived_at is None or left_at is None:
        raise ValidationError(_("Record when the engineer arrived and left."))
    if left_at < arrived_at:
        raise ValidationError({"left_at": _("The engineer cannot leave before arriving.")})
    if left_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"left_at": _("The visit cannot end in the future.")})


def _check_text(work_done: str) -> None:
    if not (work_done or "").strip():
        raise ValidationError({"work_done": _("Describe the work done on site.")})


@transaction.atomic
def service_record_create(
    *,
    work_order,
    actor,
    arrived_at,
    left_at,
    work_done: str,
    parts_used: str = "",
    lock_version=None,
) -> ServiceRecord:
    """Write the record of one visit: numbered `D0302-<work order number>` (then `-02`…),
    linked to the order's spare requisitions issued for it, the user asked to confirm."""
    # A record adds to the order without changing it: what others did on the order since
    # the engineer opened the page is no conflict (`lock_version` is accepted, not needed).
    work_order = workflow.lock(work_order, expected=None, conflict=WORK_ORDER_CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "service_record"))
    if work_order.status not in VISITED_STATUSES:
        raise workflow.IllegalTransition(
            str(WORK_ORDER_REFUSED) % {"status": work_order.get_status_display()}
        )
    _check_text(work_done)
    _check_times(arrived_at, left_at)
    # The desk may type it in for the engineer who went: the record is theirs.
    engineer = actor
    if work_order.assignee_id and not user_has_role(actor, Role.ENGINEER):
        engineer = work_order.assignee
    record = ServiceRecord(
        work_order=work_order,
        engineer=engineer,
        arrived_at=arrived_at,
        left_at=left_at,
        work_done=work_done.strip(),
        parts_used=(parts_used or "").strip(),
    )
    record.save()
    record.requisitions.set(requisitions_used_for(work_order_number=work_order.number))
    _event(
        work_order,
        kind=EventKind.SERVICE_RECORD,
        actor=actor,
        body=_("Service record %(number)s written (%(minutes)d min on site).")
        % {"number": record.number, "minutes": record.minutes_on_site},
        data={"record": record.number, "step": "create"},
    )
    workflow.after_commit(
        notify,
        recipients=[work_order.requester],
        subject="[%s] %s" % (record.number, _("Please confirm the service record of the visit")),
        body=record.work_done,
        url=record.get_absolute_url(),
    )
    return record


@transaction.atomic
def service_record_update(
    *,
    record,
    actor,
    arrived_at,
    left_at,
    work_done: str,
    parts_used: str = "",
    lock_version=None,
) -> ServiceRecord:
    """Correct a record not yet accepted; a returned record goes back to the desk. What
    the user confirmed no longer holds once the text or the times change: they confirm
    again."""
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(service_record_refusal(actor, record, "write"))
    if record.status == ServiceRecordStatus.ACCEPTED:
        raise workflow.IllegalTransition(str(REFUSED) % {"status": record.get_status_display()})
    _check_text(work_done)
    _check_times(arrived_at, left_at)
    new = (arrived_at, left_at, work_done.strip(), (parts_used or "").strip())
    if new != (record.arrived_at, record.left_at, record.work_done, record.parts_used):
        record.arrived_at, record.left_at, record.work_done, record.parts_used = new
        record.confirmed_at, record.confirmed_by = None, None
        record.confirmation_method, record.confirmation_note = "", ""
    record.requisitions.set(requisitions_used_for(work_order_number=record.work_order.number))
    if record.status == ServiceRecordStatus.RETURNED:
        workflow.transition(
            record, actor=actor, name="resubmit", method=record.resubmit, refused=REFUSED
        )
    else:
        workflow.save(record)
    _event(
        record.work_order,
        kind=EventKind.SERVICE_RECORD,
        actor=actor,
        body=_("Service record %(number)s corrected.") % {"number": record.number},
        data={"record": record.number, "step": "update"},
    )
    return record


def _confirm(record, *, actor, method, note, lock_version, action) -> ServiceRecord:
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(service_record_refusal(actor, record, action))
    if record.status == ServiceRecordStatus.ACCEPTED:
        raise workflow.IllegalTransition(str(REFUSED) % {"status": record.get_status_display()})
    if record.confirmed_at is not None:
        raise ValidationError(_("The user has already confirmed this service record."))
    record.confirmed_at = timezone.now()
    record.confirmed_by = actor
    record.confirmation_method = method
    record.confirmation_note = (note or "").strip()[:300]
    workflow.save(record)
    _event(
        record.work_order,
        kind=EventKind.SERVICE_RECORD,
        actor=actor,
        body=(
            _("Service record %(number)s confirmed by the user.")
            if method == ConfirmationMethod.PORTAL
            else _("Service record %(number)s: the user's signature on paper recorded.")
        )
        % {"number": record.number},
        data={"record": record.number, "step": "confirm", "method": method},
    )
    return record


@transaction.atomic
def service_record_confirm(*, record, actor, note: str = "", lock_version=None) -> ServiceRecord:
    """The served user confirms the record in the portal."""
    return _confirm(
        record,
        actor=actor,
        method=ConfirmationMethod.PORTAL,
        note=note,
        lock_version=lock_version,
        action="confirm",
    )


@transaction.atomic
def service_record_confirm_paper(
    *, record, actor, note: str = "", lock_version=None
) -> ServiceRecord:
    """The engineer (or the desk) records that the user signed the printed record."""
    return _confirm(
        record,
        actor=actor,
        method=ConfirmationMethod.PAPER,
        note=note,
        lock_version=lock_version,
        action="write",
    )


@transaction.atomic
def service_record_review(
    *, record, actor, accept: bool, reason: str = "", lock_version=None
) -> ServiceRecord:
    """The desk's review of a returned record (§6.3.3 (6)): accepted only once the user
    has confirmed it; returned to the engineer with the reason."""
    record = workflow.lock(record, expected=lock_version, conflict=CONFLICT)
    workflow.require(service_record_refusal(actor, record, "review"))
    at = timezone.now()
    if accept:
        if record.confirmed_at is None:
            raise ValidationError(
                _(
                    "The served user has not confirmed this record yet: ask them to confirm "
                    "it in the portal, or have the engineer record their signature."
                )
            )
        workflow.transition(
            record,
            actor=actor,
            name="accept",
            method=record.accept,
            refused=REFUSED,
            by=actor,
            at=at,
        )
        body = _("Service record %(number)s accepted by the desk.")
    else:
        if not (reason or "").strip():
            raise ValidationError({"reason": _("Say what the engineer should correct.")})
        workflow.transition(
            record,
            actor=actor,
            name="return",
            method=record.send_back,
            refused=REFUSED,
            note=reason,
            by=actor,
            at=at,
            reason=reason.strip(),
        )
        body = _("Service record %(number)s returned to the engineer: %(reason)s")
        workflow.after_commit(
            notify,
            recipients=[record.engineer],
            subject="[%s] %s" % (record.number, _("Service record returned: please correct it")),
            body=reason.strip(),
            url=record.get_absolute_url(),
        )
    _event(
        record.work_order,
        kind=EventKind.SERVICE_RECORD,
        actor=actor,
        body=body % {"number": record.number, "reason": (reason or "").strip()},
        data={"record": record.number, "step": "accept" if accept else "return"},
        at=at,
    )
    return record
