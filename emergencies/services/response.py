"""Working the emergency: team, plan, process record, status updates and their timer, child work orders driven by the parent."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.choices import OutageSource
from cmdb.services.outages import outages_end_from
from incidents import services as incident_services
from incidents.choices import OPEN_STATUSES as WORK_ORDER_OPEN
from incidents.choices import Status as WorkOrderStatus
from incidents.models import WorkOrder
from itsm import workflow
from itsm.actors import system_user

from ..choices import (
    UPDATE_EVERY,
    ApprovalMode,
    Status,
    TeamRole,
)
from ..models import Emergency, Plan, ProcessEntry, TeamMember
from ..permissions import emergency_refusal
from ._common import (
    CONFIRMATION_REMIND_EVERY,
    _entry,
    _lock,
    _name,
    _tell,
    _text,
)

# --- the team, the plan and the record ---------------------------------------------------


@transaction.atomic
def team_member_add(
    *,
    emergency,
    actor,
    role: str,
    user=None,
    name: str = "",
    organisation: str = "",
    phone: str = "",
    vendor=None,
) -> TeamMember:
    """A member joins the 应急小组 (a portal user, or an outsider by name; a supplier
    representative from the repairs app's vendors, who fills in the organisation, contact
    name and phone); a user is told."""
    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose the member's role.")})
    if vendor is not None:
        if role != TeamRole.SUPPLIER:
            raise ValidationError({"vendor": _("A vendor joins as the supplier representative.")})
        supplier = vendor.supplier
        organisation = organisation or supplier.name
        name = name or supplier.contact_name or supplier.name
        phone = phone or supplier.contact_phone
    if user is None and not (name or "").strip():
        raise ValidationError({"name": _("Choose a user or give the member's name.")})
    if user is not None and emergency.team.filter(user=user).exists():
        raise ValidationError({"user": _("This person is already on the team.")})
    member = TeamMember.objects.create(
        emergency=emergency,
        role=role,
        user=user,
        name=(name or "").strip(),
        organisation=(organisation or "").strip(),
        phone=(phone or "").strip(),
        vendor=vendor,
        joined_at=timezone.now(),
        added_by=actor,
    )
    _entry(
        emergency,
        actor=actor,
        kind="team",
        text=_("%(name)s joined the team as %(role)s.")
        % {"name": member.display_name, "role": TeamRole(role).label},
    )
    if user is not None:
        _tell(
            [user],
            emergency,
            _("You joined the emergency team"),
            f"{TeamRole(role).label}: {emergency.title}",
        )
    return member


@transaction.atomic
def plan_save(*, emergency, actor, content: str, lock_version=None) -> Plan:
    """The team's 应急处理方案 for the current round (written again replaces it)."""
    emergency = _lock(emergency, lock_version)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if not emergency.is_open:
        raise ValidationError(_("This emergency is closed."))
    content = _text(content, "content", _("Write the plan."))
    plan, _created = Plan.objects.update_or_create(
        emergency=emergency,
        round=emergency.round,
        defaults={"content": content, "author": actor, "created_at": timezone.now()},
    )
    workflow.save(emergency)
    _entry(
        emergency,
        actor=actor,
        kind="plan",
        text=_("Plan for round %(round)d: %(plan)s") % {"round": emergency.round, "plan": content},
    )
    return plan


@transaction.atomic
def process_entry_add(
    *, emergency, actor, text: str, on_site: bool = False, signed_by: str = "", at=None
) -> ProcessEntry:
    """One line of the 应急处理过程记录; an on-site action needs the customer's sign-off."""
    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if emergency.status != Status.ACTIVE:
        raise ValidationError(_("Record actions while the response is being handled."))
    text = _text(text, "text", _("Describe what was done."))
    signed_by = (signed_by or "").strip()
    if on_site and not signed_by:
        raise ValidationError({"signed_by": _("On-site work needs the customer's sign-off.")})
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=1):
        raise ValidationError({"at": _("The time cannot be in the future.")})
    return _entry(
        emergency,
        actor=actor,
        text=text,
        at=at,
        on_site=on_site,
        signed_by=signed_by,
        signed_at=now if on_site else None,
    )


# --- affected users and status updates -------------------------------------------------


def affected_users(emergency, *, limit: int = 2000) -> list:
    """Who hears the status updates: the requesters of the parent and its children, then the
    users of the affected items (the CMDB impact, VIPs first)."""
    from django.contrib.auth import get_user_model

    from cmdb.services.impact import cis_impact

    requester_ids = list(
        WorkOrder.objects.filter(
            Q(pk=emergency.work_order_id) | Q(parent_id=emergency.work_order_id)
        ).values_list("requester_id", flat=True)
    )
    users = list(get_user_model().objects.filter(pk__in=requester_ids, is_active=True))
    impact = cis_impact(cis=list(emergency.affected_items.all()))
    users.extend(impact.users[:limit])
    seen, unique = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


@transaction.atomic
def status_update_send(*, emergency, actor, body: str):
    """Tell every affected user (portal and mail), keep it in the communication log, and
    restart the status-update timer of the emergency's severity."""
    from ..models import StatusUpdate

    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if not emergency.is_open:
        raise ValidationError(_("This emergency is closed."))
    body = _text(body, "body", _("Write the update."))
    now = timezone.now()
    recipients = affected_users(emergency)
    _tell(recipients, emergency, _("Status update: %(title)s") % {"title": emergency.title}, body)
    update = StatusUpdate.objects.create(
        emergency=emergency, author=actor, body=body, sent_at=now, recipient_count=len(recipients)
    )
    if emergency.status == Status.ACTIVE:
        emergency.next_update_due_at = now + UPDATE_EVERY[emergency.severity]
        emergency.overdue_notified_for = None
    workflow.save(emergency)
    _entry(
        emergency,
        actor=actor,
        kind="update",
        text=_("Status update to %(count)d users: %(body)s")
        % {"count": len(recipients), "body": body},
    )
    return update


def overdue_point(emergency, now):
    """The latest due point at or before `now` (the timer keeps ticking while no update is
    sent: one point per interval), or None when nothing is due."""
    due = emergency.next_update_due_at
    if emergency.status != Status.ACTIVE or due is None or due > now:
        return None
    step = UPDATE_EVERY[emergency.severity]
    return due + step * int((now - due) / step)


def status_updates_overdue_scan(*, now=None) -> int:
    """Periodic and idempotent: for each active emergency whose update is overdue, tell the
    commander once per due point (a conditional UPDATE claims the point). Returns how many
    were told."""
    now = now or timezone.now()
    told = 0
    candidates = Emergency.objects.filter(status=Status.ACTIVE, next_update_due_at__lte=now)
    for emergency in candidates.select_related("commander"):
        point = overdue_point(emergency, now)
        if point is None or emergency.overdue_notified_for == point:
            continue
        with transaction.atomic():
            claimed = Emergency.objects.filter(
                pk=emergency.pk, overdue_notified_for=emergency.overdue_notified_for
            ).update(overdue_notified_for=point)
            if not claimed:
                continue
            _tell(
                [emergency.commander],
                emergency,
                _("Status update overdue"),
                _("The affected users were due an update at %(due)s.")
                % {"due": timezone.localtime(point).strftime("%Y-%m-%d %H:%M")},
            )
            ProcessEntry.objects.create(
                emergency=emergency,
                round=emergency.round,
                at=now,
                actor=system_user(),
                kind="overdue",
                text=_("Status update overdue since %(due)s.")
                % {"due": timezone.localtime(point).strftime("%Y-%m-%d %H:%M")},
            )
        told += 1
    return told


def confirmation_reminders_scan(*, now=None) -> int:
    """Periodic and idempotent: remind oral approvers whose written confirmation is due, at
    most once per CONFIRMATION_REMIND_EVERY, until they confirm."""
    now = now or timezone.now()
    told = 0
    due = Emergency.objects.filter(
        approval_mode=ApprovalMode.ORAL,
        confirmed_at__isnull=True,
        confirmation_due_at__lte=now,
    ).filter(
        Q(confirmation_reminded_at__isnull=True)
        | Q(confirmation_reminded_at__lte=now - CONFIRMATION_REMIND_EVERY)
    )
    for emergency in due.select_related("approved_by"):
        with transaction.atomic():
            claimed = Emergency.objects.filter(
                pk=emergency.pk, confirmation_reminded_at=emergency.confirmation_reminded_at
            ).update(confirmation_reminded_at=now)
            if not claimed:
                continue
            _tell(
                [emergency.approved_by],
                emergency,
                _("Reminder: confirm your oral approval in writing"),
            )
        told += 1
    return told


# --- child work orders --------------------------------------------------------------------


@transaction.atomic
def work_order_attach(*, emergency, actor, work_order) -> WorkOrder:
    """A user's report of the same outage becomes a child of the emergency's parent work
    order (one step from the queue). Refused when it is attached elsewhere."""
    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "attach"))
    if not emergency.is_open:
        raise ValidationError(_("This emergency is closed."))
    work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if work_order.pk == emergency.work_order_id:
        raise ValidationError(_("This is the emergency's own work order."))
    if work_order.parent_id == emergency.work_order_id:
        raise ValidationError(
            _("Work order %(number)s is already attached to this emergency.")
            % {"number": work_order.number}
        )
    if work_order.parent_id or hasattr(work_order, "emergency"):
        raise ValidationError(
            _("Work order %(number)s is already attached elsewhere (%(other)s).")
            % {
                "number": work_order.number,
                "other": work_order.parent.number
                if work_order.parent_id
                else work_order.emergency.number,
            }
        )
    if WorkOrder.objects.filter(parent=work_order).exists():
        raise ValidationError(
            _("Work order %(number)s has children of its own.") % {"number": work_order.number}
        )
    if not work_order.is_open:
        raise ValidationError(
            _("Work order %(number)s is no longer open.") % {"number": work_order.number}
        )
    # The actor's right was checked on the emergency; the incidents rules (engineer of
    # that order…) do not apply to the team acting on the parent's authority.
    incident_services.work_order_set_parent(
        child=work_order, parent=emergency.work_order, actor=system_user()
    )
    workflow.save(emergency)
    _entry(
        emergency,
        actor=actor,
        kind="child",
        text=_("Work order %(number)s (%(requester)s) attached.")
        % {"number": work_order.number, "requester": _name(work_order.requester)},
    )
    return work_order


def _resolve_children_and_parent(emergency, *, actor, resolution: str) -> int:
    """Resolve every open child with the parent's resolution, then the parent, as the
    system actor on the parent's authority: an undispatched child or one on hold no longer
    refuses the whole resolve for lack of the engineer's right on it."""
    system = system_user()
    parent = emergency.work_order
    note = _("Resolved with %(number)s (%(emergency)s, by %(name)s): %(resolution)s")
    resolved = 0
    for child in parent.children.filter(status__in=WORK_ORDER_OPEN).order_by("pk"):
        if child.status == WorkOrderStatus.ON_HOLD:
            child = incident_services.work_order_resume(
                work_order=child, actor=system, note=emergency.number
            )
        incident_services.work_order_resolve(
            work_order=child,
            actor=system,
            resolution=note
            % {
                "number": parent.number,
                "emergency": emergency.number,
                "name": _name(actor),
                "resolution": resolution,
            },
        )
        resolved += 1
    parent.refresh_from_db()
    if parent.status == WorkOrderStatus.ON_HOLD:
        parent = incident_services.work_order_resume(
            work_order=parent, actor=system, note=emergency.number
        )
    if parent.is_open:
        incident_services.work_order_resolve(
            work_order=parent,
            actor=system,
            resolution=f"{resolution} ({emergency.number}, {_name(actor)})",
        )
    return resolved


@transaction.atomic
def emergency_restore(*, emergency, actor, resolution: str, lock_version=None) -> int:
    """Service restored: the parent work order and all its children are resolved with the
    resolution (every child's requester is told by incidents); open outages end now.
    Returns the number of children resolved."""
    emergency = _lock(emergency, lock_version)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if emergency.status != Status.ACTIVE:
        raise ValidationError(_("Restore the service while the response is being handled."))
    resolution = _text(resolution, "resolution", _("Describe what restored the service."))
    count = _resolve_children_and_parent(emergency, actor=actor, resolution=resolution)
    now = timezone.now()
    outages_end_from(
        source=OutageSource.EMERGENCY, source_number=emergency.number, actor=actor, at=now
    )
    workflow.save(emergency)
    _entry(
        emergency,
        actor=actor,
        kind="restore",
        text=_("Service restored (%(count)d child work orders resolved): %(resolution)s")
        % {"count": count, "resolution": resolution},
    )
    return count
