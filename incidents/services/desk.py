"""The service desk's own steps and time limits (§6.3.3): an engineer's "late / can't
come" (re-dispatch within 10 minutes), remote guidance (at most 5 minutes, measured) and
a call resolved while the caller is still on the line (first-contact resolution)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.choices import OnCallRole
from servicedesk.oncall import on_call_at, out_of_hours

from ..choices import Channel, EventKind, Level3, Status
from ..models import WorkOrder
from ..permissions import work_order_refusal
from .common import (
    CONFLICT,
    GUIDANCE_TARGET,
    REDISPATCH_TARGET,
    REFUSED,
    _event,
    _tell,
    desk_or_on_call,
    service_mode_apply,
)
from .lifecycle import work_order_assign, work_order_create, work_order_resolve

# How far back a call may have started for its guidance to count: a page left open
# overnight is not a 12-hour call.
LONGEST_CALL = timedelta(hours=2)


@transaction.atomic
def work_order_report_late(*, work_order, actor, note: str, lock_version=None) -> WorkOrder:
    """The dispatched engineer will be late or cannot come: the desk must re-dispatch
    (or re-plan with the user) within 10 minutes; a new dispatch stops that clock."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "late"))
    if work_order.status not in (Status.ASSIGNED, Status.IN_PROGRESS):
        raise workflow.IllegalTransition(str(REFUSED) % {"status": work_order.get_status_display()})
    if not note.strip():
        raise ValidationError({"note": _("Say why, and when you could come instead.")})
    at = timezone.now()
    work_order.late_reported_at = at
    work_order.redispatch_due_at = at + REDISPATCH_TARGET
    workflow.save(work_order)
    _event(work_order, kind=EventKind.LATE, actor=actor, body=note, at=at)
    _tell(
        desk_or_on_call(at),
        work_order,
        _("Engineer late or cannot come: re-dispatch within 10 minutes"),
        note,
    )
    return work_order


@transaction.atomic
def work_order_guidance_start(*, work_order, actor, lock_version=None, at=None) -> WorkOrder:
    """The desk starts guiding the caller remotely: 5 minutes, then an engineer goes.

    The time is measured when the order is resolved or dispatched (common.guidance_end).
    """
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "guidance"))
    if work_order.status not in (Status.NEW, Status.REOPENED) or work_order.assignee_id:
        raise ValidationError(_("Remote guidance is for work orders not yet dispatched."))
    if work_order.guidance_started_at is not None:
        raise ValidationError(_("Remote guidance has already started."))
    at = at or timezone.now()
    work_order.guidance_started_at = at
    work_order.guidance_due_at = at + GUIDANCE_TARGET
    workflow.save(work_order)
    _event(
        work_order,
        kind=EventKind.GUIDANCE,
        actor=actor,
        body=_("Remote guidance started (at most %(minutes)d minutes).")
        % {"minutes": GUIDANCE_TARGET.seconds // 60},
        at=at,
    )
    return work_order


def call_started_valid(call_started_at, now=None):
    """The call's start as the intake page stamped it, or None when implausible."""
    now = now or timezone.now()
    if call_started_at is None or not (now - LONGEST_CALL <= call_started_at <= now):
        return None
    return call_started_at


@transaction.atomic
def work_order_resolve_on_call(
    *,
    actor,
    requester,
    title: str,
    resolution: str,
    call_started_at=None,
    description: str = "",
    category=None,
    device=None,
    impact: str = Level3.LOW,
    urgency: str = Level3.MEDIUM,
    contact_phone: str = "",
    knowledge_record_id: int | None = None,
    files=(),
) -> WorkOrder:
    """Record a phone call the desk fixed while the caller was on the line: a work order
    filed and resolved at once, a first-contact resolution, with the guidance time
    measured from the call's start (when the intake page opened for this caller)."""
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe what was done to fix it.")})
    now = timezone.now()
    started = call_started_valid(call_started_at, now) or now
    work_order = work_order_create(
        actor=actor,
        requester=requester,
        title=title,
        description=description,
        category=category,
        device=device,
        impact=impact,
        urgency=urgency,
        channel=Channel.PHONE,
        contact_phone=contact_phone,
        files=files,
        at=started,
    )
    work_order_guidance_start(work_order=work_order, actor=actor, at=started)
    return work_order_resolve(
        work_order=WorkOrder.objects.get(pk=work_order.pk),
        actor=actor,
        resolution=resolution,
        knowledge_record_id=knowledge_record_id,
    )


@transaction.atomic
def work_order_classify(
    *,
    work_order,
    actor,
    service_type: str,
    response_mode: str,
    note: str = "",
    lock_version=None,
) -> WorkOrder:
    """Record how the work is delivered (§6.2.2): the service type (taken in, on site,
    special) and the response mode (hotline, remote, on site); "" = not recorded. The
    desk's assessment, as the priority is."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "classify"))
    before = (work_order.service_type, work_order.response_mode)
    service_mode_apply(work_order, service_type=service_type, response_mode=response_mode)
    if (work_order.service_type, work_order.response_mode) == before:
        return work_order
    workflow.save(work_order)
    _event(
        work_order,
        kind=EventKind.NOTE,
        actor=actor,
        internal=True,
        body=note
        or _("Service type: %(type)s; response mode: %(mode)s.")
        % {
            "type": work_order.get_service_type_display() or _("not recorded"),
            "mode": work_order.get_response_mode_display() or _("not recorded"),
        },
        data={"service_type": work_order.service_type, "response_mode": work_order.response_mode},
    )
    return work_order


def work_order_route_out_of_hours(*, work_order, actor, at=None):
    """A call recorded outside working hours goes to the people on call instead of
    waiting in the queue for the morning (§6.2.1: 7×24 phone, on site when needed).

    Dispatches the order to whoever is on call on site (else to whoever is on call for
    the phone) through `work_order_assign`, with the actor's rights and the usual
    confirmation clock, and tells the phone on-call person when they did not record it
    themselves. In working hours, or with nobody on the rota, nothing happens and the
    order stays in the queue. Returns the assignee, or None.
    """
    at = at or timezone.now()
    if not out_of_hours(at) or work_order.status not in (Status.NEW, Status.REOPENED):
        return None
    target = on_call_at(at, OnCallRole.ON_SITE) or on_call_at(at, OnCallRole.PHONE)
    if target is None:
        return None
    work_order_assign(
        work_order=WorkOrder.objects.get(pk=work_order.pk),
        actor=actor,
        assignee=target,
        note=_("Outside working hours: dispatched to the person on call."),
    )
    phone = on_call_at(at, OnCallRole.PHONE)
    if phone is not None and phone.pk not in (actor.pk, target.pk):
        _tell(
            [phone],
            work_order,
            _("Out-of-hours call dispatched to %(name)s")
            % {"name": getattr(getattr(target, "person", None), "name", "") or target},
        )
    return target
