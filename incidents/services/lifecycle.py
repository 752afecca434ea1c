"""Filing a work order and moving it through its states (dispatch to close, merge,
parent and links), each through the one pipeline (itsm.workflow)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.calendar import business_calendar
from servicedesk.choices import Role

from .. import permissions, sla
from ..choices import (
    OPEN_STATUSES,
    CancelReason,
    Channel,
    CloseReason,
    EventKind,
    HoldReason,
    Level3,
    Status,
)
from ..models import FilingKey, HoldPeriod, WorkOrder
from ..outages import outage_from_work_order
from ..permissions import work_order_refusal
from ..priority import priority_for
from ..search import terms_index_new
from .common import (
    ACCEPT_TARGET,
    AUTO_CLOSE_WORKING_DAYS,
    CALLBACK_FIRST,
    CONFLICT,
    DISPATCH_TARGET,
    REFUSED,
    _effective_level,
    _event,
    _fire,
    _mark_responded,
    _tell,
    callback_before_close,
    callback_missing,
    guidance_end,
    refuse_close_while_children_worked,
    service_mode_apply,
    sla_recompute,
)

# --- create --------------------------------------------------------------------------


@dataclass
class NewFile:
    name: str
    content_type: str
    data: object  # an UploadedFile or File


def work_order_file(*, actor, idempotency_key: str = "", **fields) -> tuple[WorkOrder, bool]:
    """`work_order_create`, once per (actor, key): a repeated submission with the same key
    (a double click, a resent page, an API client's retry) returns the work order the first
    one filed. Returns (work order, whether it was filed now).

    The key's unique row is written in the filing's own transaction right after the work
    order, before any file is stored: a twin (earlier or concurrent) fails there, its
    transaction rolls back, and the first filing is returned. A first filing, the common
    case, pays no lookup.
    """
    key = (idempotency_key or "").strip()[:64]
    if not key:
        return work_order_create(actor=actor, **fields), True
    try:
        return work_order_create(actor=actor, filing_key=key, **fields), True
    except IntegrityError:
        earlier = FilingKey.objects.filter(actor=actor, key=key).select_related("work_order")
        earlier = earlier.first()
        if earlier is None:
            raise
        return earlier.work_order, False


# Checked by the caller or the database: the form and the serializers hand over rows they
# read, and the constraints on a new row (ratings) cannot fail. Checking them again cost
# filing six queries.
_CREATE_UNCHECKED = (
    "number",
    "service_level",
    "priority",
    "requester",
    "created_by",
    "department",
    "location",
    "category",
    "device",
)


@transaction.atomic
def work_order_create(
    *,
    actor,
    requester,
    title: str,
    description: str = "",
    category=None,
    device=None,
    impact: str = Level3.LOW,
    urgency: str = Level3.MEDIUM,
    channel: str = Channel.WEB,
    contact_phone: str = "",
    files=(),
    at=None,
    filing_key: str = "",
) -> WorkOrder:
    """Record a fault: numbered, prioritised, clocks started, requester and desk told.

    The requester files for themselves; the desk (or the system actor, for mail) for
    anyone. The row is written once, clocks included. With `filing_key`, the key's row is
    written in the same transaction (IntegrityError for a key already used: see
    `work_order_file`). Callers that preload the requester's person with its department
    and location (`servicedesk.selectors.person_for_filing`) save those queries.
    """
    workflow.require(permissions.filing_refusal(actor, requester))
    refused_impact = permissions.impact_refusal(actor, impact)
    if refused_impact:
        raise ValidationError({"impact": [refused_impact]})
    at = at or timezone.now()
    person = getattr(requester, "person", None)
    work_order = WorkOrder(
        title=title.strip(),
        description=description,
        channel=channel,
        requester=requester,
        created_by=actor,
        contact_phone=contact_phone or (person.mobile or person.phone if person else ""),
        department=person.department if person and person.department_id else None,
        location=(device.location if device is not None and device.location_id else None)
        or (person.location if person and person.location_id else None),
        category=category,
        device=device,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        service_level=_effective_level(requester, device),
        # Kept by the field (itsm.mixins.CreatedAtField): the desk may record an earlier call.
        created_at=at,
        dispatch_due_at=at + DISPATCH_TARGET,
    )
    work_order.full_clean(exclude=_CREATE_UNCHECKED, validate_constraints=False)
    sla_recompute(work_order)
    work_order.save()
    if filing_key:
        FilingKey.objects.create(actor=actor, key=filing_key, work_order=work_order)
    terms_index_new(work_order)
    _event(
        work_order,
        kind=EventKind.CREATED,
        actor=actor,
        body=description,
        data={"channel": channel},
        at=at,
    )
    from ..attachments import attachments_add

    attachments_add(work_order=work_order, actor=actor, files=files)
    _tell(
        [requester],
        work_order,
        _("We have received your report"),
        _("Work order %(number)s: %(title)s")
        % {
            "number": work_order.number,
            "title": work_order.title,
        },
    )
    return work_order


# --- transitions ---------------------------------------------------------------------


@transaction.atomic
def work_order_assign(
    *,
    work_order,
    actor,
    assignee,
    team=None,
    note: str = "",
    lock_version=None,
    service_type: str | None = None,
    response_mode: str | None = None,
    vehicle_needed: bool | None = None,
) -> WorkOrder:
    """Dispatch to an engineer (or re-dispatch); starts the 30-minute confirmation clock.

    The desk may record the service type, the response mode and whether a vehicle is
    needed on the way (§6.2.2, §6.3.3); None keeps what the order has."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "assign"))
    if not permissions.user_has_role(assignee, Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR):
        raise ValidationError(_("Work orders can only be dispatched to engineers or the desk."))
    service_mode_apply(work_order, service_type=service_type, response_mode=response_mode)
    if vehicle_needed is not None:
        work_order.vehicle_needed = vehicle_needed
    at = timezone.now()
    previous = work_order.assignee
    work_order.team = team or work_order.team
    work_order.accept_due_at = at + ACCEPT_TARGET
    # A (re-)dispatch answers an engineer's "late / can't come" and ends remote guidance.
    work_order.redispatch_due_at = None
    guidance_end(work_order, at)
    _fire(
        work_order,
        actor=actor,
        name="assign",
        method=work_order.assign,
        event_at=at,
        at=at,
        note=note,
        assignee=assignee,
    )
    _event(
        work_order,
        kind=EventKind.ASSIGNMENT,
        actor=actor,
        body=note,
        data={"from": previous.pk if previous else None, "to": assignee.pk},
        at=at,
    )
    _tell([assignee], work_order, _("Dispatched to you"), note or work_order.title)
    return work_order


@transaction.atomic
def work_order_start(*, work_order, actor, note: str = "", lock_version=None) -> WorkOrder:
    """The engineer confirms execution (接单); counts as the response."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "start"))
    at = timezone.now()
    _mark_responded(work_order, actor, at)
    _fire(
        work_order,
        actor=actor,
        name="start",
        method=work_order.start,
        event_at=at,
        at=at,
        note=note,
    )
    return work_order


@transaction.atomic
def work_order_hold(
    *, work_order, actor, reason: str, note: str = "", lock_version=None
) -> WorkOrder:
    """Wait for the user, a vendor or parts: the SLA clocks pause."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "hold"))
    HoldReason(reason)
    at = timezone.now()
    HoldPeriod.objects.create(work_order=work_order, reason=reason, started_at=at)
    _mark_responded(work_order, actor, at)
    sla_recompute(work_order)
    _fire(
        work_order,
        actor=actor,
        name="hold",
        method=work_order.hold,
        event_at=at,
        note=note,
        reason=reason,
    )
    if reason == HoldReason.USER:
        _tell([work_order.requester], work_order, _("We need something from you"), note)
    return work_order


@transaction.atomic
def work_order_resume(*, work_order, actor, note: str = "", lock_version=None) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "resume"))
    at = timezone.now()
    work_order.holds.filter(ended_at__isnull=True).update(ended_at=at)
    sla_recompute(work_order)
    _fire(work_order, actor=actor, name="resume", method=work_order.resume, event_at=at, note=note)
    return work_order


@transaction.atomic
def work_order_resolve(
    *,
    work_order,
    actor,
    resolution: str,
    knowledge_record_id: int | None = None,
    lock_version=None,
) -> WorkOrder:
    """Fixed. Resolving a work order nobody was dispatched to is a first-contact resolution.

    A parent (an outage) resolves its open children with its resolution, on its own
    authority: whoever may resolve the parent resolves them, dispatched or not (checking
    the actor's rights on each child rolled the whole resolve back).
    """
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "resolve"))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe what was done to fix it.")})
    guidance_end(work_order, timezone.now())
    _resolve(
        work_order, actor=actor, resolution=resolution, knowledge_record_id=knowledge_record_id
    )
    outage_from_work_order(work_order, actor=actor)  # a major incident on a service CI
    children = work_order.children.filter(status__in=OPEN_STATUSES).exclude(status=Status.ON_HOLD)
    for child in children:
        child = workflow.lock(child, expected=None, conflict=CONFLICT)
        _resolve(
            child,
            actor=actor,
            resolution=_("Resolved with %(number)s: %(resolution)s")
            % {"number": work_order.number, "resolution": resolution},
            by_parent=True,
        )
    return work_order


def _resolve(work_order, *, actor, resolution, knowledge_record_id=None, by_parent=False):
    at = timezone.now()
    # Fixed at the desk with nobody dispatched; a child of an outage is fixed by its
    # parent's work (even when the desk closes it itself), so it is not.
    work_order.first_contact_resolution = (
        not by_parent
        and work_order.parent_id is None
        and work_order.status == Status.NEW
        and work_order.assigned_at is None
    )
    _mark_responded(work_order, actor, at)
    work_order.knowledge_record_id = knowledge_record_id
    # Past due once (the scan flagged it) stays a breach, whatever holds came after.
    work_order.resolution_breached = work_order.resolution_breached or not sla.in_time(
        business_calendar(), work_order.resolve_due_at, at
    )
    # Waiting for the user's confirmation does not run the resolution clock.
    HoldPeriod.objects.create(work_order=work_order, reason=HoldReason.USER, started_at=at)
    sla_recompute(work_order)
    _fire(
        work_order,
        actor=actor,
        name="resolve",
        method=work_order.resolve,
        event_at=at,
        at=at,
        note=resolution,
        resolution=resolution,
    )
    _tell([work_order.requester], work_order, _("Your fault has been fixed"), resolution)


@transaction.atomic
def work_order_reopen(*, work_order, actor, note: str, lock_version=None) -> WorkOrder:
    """“Still broken”: back to the engineer, the resolution clock runs on."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "reopen"))
    if not note.strip():
        raise ValidationError({"note": _("Tell us what is still wrong.")})
    at = timezone.now()
    work_order.holds.filter(ended_at__isnull=True).update(ended_at=at)
    work_order.resolution_breached = False
    sla_recompute(work_order)
    _fire(work_order, actor=actor, name="reopen", method=work_order.reopen, event_at=at, note=note)
    _tell([work_order.assignee], work_order, _("The user says it is still broken"), note)
    return work_order


@transaction.atomic
def work_order_confirm(*, work_order, actor, lock_version=None) -> WorkOrder:
    """“It's fixed”: under the callback rule the order waits for the desk's callback
    (待回访); without it the requester's confirmation closes it."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "confirm"))
    refuse_close_while_children_worked(work_order)
    at = timezone.now()
    if callback_before_close():
        if work_order.status != Status.RESOLVED:
            raise workflow.IllegalTransition(
                str(REFUSED) % {"status": work_order.get_status_display()}
            )
        if work_order.confirmed_at is not None:
            raise ValidationError(_("The fix is already confirmed; the desk will call back."))
        work_order.confirmed_at = at
        workflow.save(work_order)
        _event(
            work_order,
            kind=EventKind.CONFIRMATION,
            actor=actor,
            body=_("The fix is confirmed; the service desk will call back before closing."),
            at=at,
        )
        return work_order
    work_order.confirmed_at = at
    _fire(
        work_order,
        actor=actor,
        name="confirm",
        method=work_order.close,
        event_at=at,
        at=at,
        reason=CloseReason.CONFIRMED,
    )
    return work_order


@transaction.atomic
def work_order_close(*, work_order, actor, note: str = "", lock_version=None) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "close"))
    refuse_close_while_children_worked(work_order)
    if work_order.status == Status.RESOLVED and callback_missing(work_order):
        raise ValidationError(CALLBACK_FIRST)
    at = timezone.now()
    _fire(
        work_order,
        actor=actor,
        name="close",
        method=work_order.close,
        event_at=at,
        at=at,
        note=note,
        reason=CloseReason.CALLBACK,
    )
    return work_order


@transaction.atomic
def work_order_cancel(
    *, work_order, actor, reason: str, note: str = "", lock_version=None
) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "cancel"))
    CancelReason(reason)
    at = timezone.now()
    _fire(
        work_order,
        actor=actor,
        name="cancel",
        method=work_order.cancel,
        event_at=at,
        at=at,
        note=note,
        reason=reason,
    )
    if actor != work_order.requester:
        _tell([work_order.requester], work_order, _("Your work order was cancelled"), note)
    return work_order


@transaction.atomic
def work_order_merge(*, duplicate, into, actor, note: str = "", lock_version=None) -> WorkOrder:
    """Merge a duplicate into another order: its comments, notes and files move over,
    the duplicate is cancelled as such and points at the survivor."""
    duplicate = workflow.lock(duplicate, expected=lock_version, conflict=CONFLICT)
    into = workflow.lock(into, expected=None)
    workflow.require(work_order_refusal(actor, duplicate, "merge"))
    workflow.require(work_order_refusal(actor, into, "comment"))  # it receives the comments
    if duplicate.pk == into.pk:
        raise ValidationError(_("A work order cannot be merged into itself."))
    if not into.is_open:
        raise ValidationError(_("Merge into an open work order."))
    at = timezone.now()
    moved = duplicate.events.filter(
        kind__in=[EventKind.COMMENT, EventKind.NOTE, EventKind.ATTACHMENT]
    )
    moved_count = moved.update(work_order=into)
    duplicate.attachments.update(work_order=into)
    _fire(
        duplicate,
        actor=actor,
        name="merge",
        method=duplicate.merge_into,
        event_at=at,
        at=at,
        note=note,
        target=into,
    )
    workflow.save(into, update_fields=["updated_at"])
    _event(
        into,
        kind=EventKind.MERGE,
        actor=actor,
        body=note,
        data={"merged": duplicate.number, "moved_events": moved_count},
        at=at,
    )
    if duplicate.requester_id != into.requester_id:
        _tell(
            [duplicate.requester],
            duplicate,
            _("Your report is handled under %(number)s") % {"number": into.number},
            note,
        )
    return into


@transaction.atomic
def work_order_set_parent(*, child, parent, actor, lock_version=None) -> WorkOrder:
    """Group one user's report under the outage's parent order; resolving the parent resolves it."""
    child = workflow.lock(child, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, child, "link"))
    if parent is not None:
        workflow.require(work_order_refusal(actor, parent, "view"))
        if parent.pk == child.pk or parent.parent_id == child.pk:
            raise ValidationError(_("A work order cannot be its own parent."))
        if parent.parent_id:
            raise ValidationError(_("Choose the top work order of the outage as parent."))
    child.parent = parent
    workflow.save(child)
    _event(
        child,
        kind=EventKind.LINK,
        actor=actor,
        data={"parent": parent.number if parent else None},
    )
    return child


@transaction.atomic
def work_order_link(*, work_order, target, actor) -> None:
    """Link to a record of another process (problem, change…), idempotently."""
    from django.contrib.contenttypes.models import ContentType

    from ..models import WorkOrderLink

    workflow.require(work_order_refusal(actor, work_order, "link"))
    _, created = WorkOrderLink.objects.get_or_create(
        work_order=work_order,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        defaults={"created_by": actor},
    )
    if created:
        _event(
            work_order,
            kind=EventKind.LINK,
            actor=actor,
            body=str(target),
            data={"target": str(target)},
        )


def work_order_auto_close(*, work_order, actor, now) -> int:
    """Settle an unanswered resolved order as `actor` (the system actor, from the hourly
    scan): under the callback rule the silence counts as the user's confirmation and the
    order waits in 待回访 for the desk's callback; without the rule it closes. The claim
    is a conditional UPDATE on status and lock_version, so two workers, or a person
    acting at the same moment, settle it once."""
    callback = callback_before_close()
    with transaction.atomic():
        workflow.require(work_order_refusal(actor, work_order, "close"))
        changes = (
            {"confirmed_at": now}
            if callback
            else {"status": Status.CLOSED, "close_reason": CloseReason.AUTO, "closed_at": now}
        )
        claimed = WorkOrder.objects.filter(
            pk=work_order.pk,
            status=Status.RESOLVED,
            confirmed_at__isnull=True,
            lock_version=work_order.lock_version,
        ).update(lock_version=work_order.lock_version + 1, **changes)
        if not claimed:
            return 0
        if callback:
            _event(
                work_order,
                kind=EventKind.CONFIRMATION,
                actor=actor,
                body=_(
                    "No answer for %(days)d working days: taken as confirmed; the service "
                    "desk calls back before closing."
                )
                % {"days": AUTO_CLOSE_WORKING_DAYS},
                data={"auto": True},
                at=now,
            )
            return 1
        _event(
            work_order,
            kind=EventKind.TRANSITION,
            actor=actor,
            body=_("Closed automatically: no answer for %(days)d working days.")
            % {"days": AUTO_CLOSE_WORKING_DAYS},
            status_from=Status.RESOLVED,
            status_to=Status.CLOSED,
            data={"transition": "auto_close"},
            at=now,
        )
    return 1
