"""Every write to an emergency: declaring, approving (portal or oral), the team, the plan,
the process record, status updates, child work orders, outages, evaluation and closing.

Each service checks the acting user's right on the emergency through the one refusal
function, moves it through `itsm.workflow` inside one transaction (a refusal or a conflict
leaves nothing half-saved) and hands notifications over once the data is committed.
Resource requests, emergency changes and the D0405 report are in `resource_services`.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import services as incident_services
from incidents.choices import OPEN_STATUSES as WORK_ORDER_OPEN
from incidents.choices import Level3
from incidents.choices import Status as WorkOrderStatus
from incidents.models import WorkOrder
from itsm import workflow
from itsm.actors import system_user
from servicedesk.notifications import notify

from .choices import (
    UPDATE_EVERY,
    ApprovalChannel,
    ApprovalMode,
    EmergencyType,
    Outcome,
    Severity,
    Status,
    TeamRole,
)
from .models import Emergency, Evaluation, FollowUpTask, Outage, Plan, ProcessEntry, TeamMember
from .permissions import declare_refusal, emergency_refusal, is_information_centre


def _conflict():
    return _("This emergency was changed by someone else. Reload it and try again.")


def _refused(verb: str) -> str:
    # One wording per step, the status filled in by itsm.workflow.transition.
    return {
        "approve": _("An emergency that is “%(status)s” cannot be approved."),
        "reject": _("An emergency that is “%(status)s” cannot be rejected."),
        "activate": _("An emergency that is “%(status)s” cannot start its response."),
        "evaluate": _("An emergency that is “%(status)s” cannot be submitted for evaluation."),
        "next_round": _("An emergency that is “%(status)s” cannot start another round."),
        "close": _("An emergency that is “%(status)s” cannot be closed."),
    }[verb]


def confirmation_window() -> timedelta:
    """How long an oral approver has to confirm in writing (settings.ITSM, hours)."""
    return timedelta(hours=settings.ITSM.get("EMERGENCY_CONFIRMATION_HOURS", 24))


CONFIRMATION_REMIND_EVERY = timedelta(hours=4)


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def _tell(recipients, emergency, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{emergency.number}] {subject}",
        body=body or emergency.title,
        url=emergency.get_absolute_url(),
    )


def _entry(emergency, *, actor, text: str, kind: str = "action", at=None, **fields):
    return ProcessEntry.objects.create(
        emergency=emergency,
        round=emergency.round,
        at=at or timezone.now(),
        actor=actor,
        kind=kind,
        text=text,
        **fields,
    )


def _lock(emergency, expected_version):
    return workflow.lock(emergency, expected=expected_version, conflict=_conflict())


def _move(emergency, *, actor, name: str, method, refused: str, note: str = "", **kwargs):
    workflow.transition(
        emergency, actor=actor, name=name, method=method, refused=refused, note=note, **kwargs
    )
    _entry(emergency, actor=actor, kind="status", text=note or emergency.get_status_display())


def _information_centre_users():
    from django.contrib.auth import get_user_model

    from servicedesk.choices import ApprovalBody

    return list(
        get_user_model().objects.filter(
            is_active=True, person__approval_body=ApprovalBody.INFORMATION_CENTRE
        )
    )


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# --- declaring and approving -----------------------------------------------------------


@transaction.atomic
def emergency_declare(
    *,
    actor,
    type: str,
    scope: str,
    commander,
    severity: str = Severity.HIGH,
    title: str = "",
    work_order=None,
    service=None,
    affected_items=(),
    cause: str = "",
) -> Emergency:
    """The 启动应急流程申请单: from a work order (it becomes the parent of the outage) or from
    a service CI's outage (a parent work order is opened for it). Waits for the information
    centre; its approvers are told."""
    workflow.require(declare_refusal(actor))
    errors = {}
    if type not in EmergencyType.values:
        errors["type"] = _("Choose the type of emergency.")
    if severity not in Severity.values:
        errors["severity"] = _("Choose the severity.")
    if not (scope or "").strip():
        errors["scope"] = _("Describe the scope: who and what is affected, where.")
    if commander is None:
        errors["commander"] = _("Name the incident commander.")
    if work_order is None and service is None:
        errors["work_order"] = _("Declare from a work order or from a service's outage.")
    if errors:
        raise ValidationError(errors)
    if work_order is not None:
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        if hasattr(work_order, "emergency"):
            raise ValidationError(
                _("Work order %(number)s already started emergency %(emergency)s.")
                % {"number": work_order.number, "emergency": work_order.emergency.number}
            )
        if work_order.parent_id:
            raise ValidationError(
                _("Work order %(number)s is attached to %(parent)s; declare from that one.")
                % {"number": work_order.number, "parent": work_order.parent.number}
            )
        if not work_order.is_open:
            raise ValidationError(_("Declare from an open work order."))
    title = (title or "").strip() or (
        work_order.title if work_order else f"{service} {EmergencyType(type).label}"
    )
    if work_order is None:
        work_order = incident_services.work_order_create(
            actor=actor,
            requester=actor,
            title=title[:200],
            description=scope,
            device=service,
            impact=Level3.HIGH,
            urgency=Level3.HIGH,
        )
    emergency = Emergency(
        title=title[:200],
        type=type,
        severity=severity,
        scope=scope.strip(),
        commander=commander,
        declared_by=actor,
        work_order=work_order,
        service=service,
        cause=(cause or "").strip(),
    )
    emergency.full_clean(exclude=["number"])
    emergency.save()
    items = list(affected_items) or ([service] if service else [])
    if work_order.device_id and not items:
        items = [work_order.device]
    emergency.affected_items.set(items)
    workflow.log_transition(
        emergency, name="declare", source="", target=emergency.status, actor=actor
    )
    _entry(
        emergency,
        actor=actor,
        kind="status",
        text=_("Emergency declared from %(number)s: %(scope)s")
        % {"number": work_order.number, "scope": emergency.scope},
    )
    _tell(
        _information_centre_users(),
        emergency,
        _("Emergency application awaiting your approval"),
        f"{EmergencyType(type).label}: {emergency.scope}",
    )
    _tell([commander], emergency, _("You are the incident commander"))
    return emergency


@transaction.atomic
def emergency_approve(*, emergency, actor, note: str = "", expected_version=None) -> Emergency:
    """The information centre approves in the portal (this is its written approval)."""
    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "approve"))
    now = timezone.now()
    _move(
        emergency,
        actor=actor,
        name="approve",
        method=emergency.approve,
        refused=_refused("approve"),
        note=note or _("Approved in the portal by %(name)s.") % {"name": _name(actor)},
        by=actor,
        at=now,
        mode=ApprovalMode.PORTAL,
    )
    _tell([emergency.commander, emergency.declared_by], emergency, _("Emergency approved"))
    return emergency


@transaction.atomic
def emergency_record_oral_approval(
    *, emergency, actor, approver, channel: str, approved_at=None, expected_version=None
) -> Emergency:
    """An approval given by telephone or in person, recorded by `actor`: who approved, by
    what channel, when. The approver must confirm in writing within the configured window
    (reminded until they do)."""
    emergency = _lock(emergency, expected_version)
    workflow.require(declare_refusal(actor))
    if approver is None or not is_information_centre(approver):
        raise ValidationError(
            {"approver": _("The approver must be someone of the information centre.")}
        )
    if channel not in ApprovalChannel.values:
        raise ValidationError({"channel": _("Say how the approval was given.")})
    now = timezone.now()
    approved_at = approved_at or now
    if approved_at > now + timedelta(minutes=1):
        raise ValidationError({"approved_at": _("The approval cannot be in the future.")})
    _move(
        emergency,
        actor=actor,
        name="approve",
        method=emergency.approve,
        refused=_refused("approve"),
        note=_("Approved orally by %(approver)s (%(channel)s) at %(at)s; recorded by %(by)s.")
        % {
            "approver": _name(approver),
            "channel": ApprovalChannel(channel).label,
            "at": timezone.localtime(approved_at).strftime("%Y-%m-%d %H:%M"),
            "by": _name(actor),
        },
        by=approver,
        at=approved_at,
        mode=ApprovalMode.ORAL,
        channel=channel,
        recorded_by=actor,
        confirmation_due_at=now + confirmation_window(),
    )
    _tell(
        [approver],
        emergency,
        _("Please confirm your oral approval in writing"),
        _("You approved %(number)s orally; confirm it in the portal by %(due)s.")
        % {
            "number": emergency.number,
            "due": timezone.localtime(emergency.confirmation_due_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    _tell([emergency.commander], emergency, _("Emergency approved"))
    return emergency


@transaction.atomic
def emergency_confirm_approval(*, emergency, actor, expected_version=None) -> Emergency:
    """The oral approver confirms in writing; the reminders stop."""
    emergency = _lock(emergency, expected_version)
    if not emergency.awaiting_confirmation:
        raise ValidationError(_("There is no oral approval waiting for written confirmation."))
    if actor.pk != emergency.approved_by_id:
        workflow.require(_("Only the person who approved orally can confirm it in writing."))
    emergency.confirmed_at = timezone.now()
    workflow.save(emergency)
    workflow.log_transition(
        emergency,
        name="confirm_approval",
        source=emergency.status,
        target=emergency.status,
        actor=actor,
    )
    _entry(emergency, actor=actor, text=_("Oral approval confirmed in writing."))
    return emergency


@transaction.atomic
def emergency_reject(*, emergency, actor, reason: str, expected_version=None) -> Emergency:
    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "approve"))
    reason = _text(reason, "reason", _("Give a reason for the rejection."))
    _move(
        emergency,
        actor=actor,
        name="reject",
        method=emergency.reject,
        refused=_refused("reject"),
        note=reason,
        at=timezone.now(),
    )
    _tell([emergency.commander, emergency.declared_by], emergency, _("Emergency rejected"), reason)
    return emergency


@transaction.atomic
def emergency_activate(*, emergency, actor, expected_version=None) -> Emergency:
    """The team starts the response; the status-update timer starts now."""
    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    now = timezone.now()
    _move(
        emergency,
        actor=actor,
        name="activate",
        method=emergency.activate,
        refused=_refused("activate"),
        note=_("Response started."),
        at=now,
        next_update_due_at=now + UPDATE_EVERY[emergency.severity],
    )
    return emergency


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
) -> TeamMember:
    """A member joins the 应急小组 (a portal user, or an outsider by name); a user is told."""
    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose the member's role.")})
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
def plan_save(*, emergency, actor, content: str, expected_version=None) -> Plan:
    """The team's 应急处理方案 for the current round (written again replaces it)."""
    emergency = _lock(emergency, expected_version)
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
    from .models import StatusUpdate

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
def emergency_restore(*, emergency, actor, resolution: str, expected_version=None) -> int:
    """Service restored: the parent work order and all its children are resolved with the
    resolution (every child's requester is told by incidents); open outages end now.
    Returns the number of children resolved."""
    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if emergency.status != Status.ACTIVE:
        raise ValidationError(_("Restore the service while the response is being handled."))
    resolution = _text(resolution, "resolution", _("Describe what restored the service."))
    count = _resolve_children_and_parent(emergency, actor=actor, resolution=resolution)
    now = timezone.now()
    emergency.outages.filter(ended_at__isnull=True).update(ended_at=now)
    workflow.save(emergency)
    _entry(
        emergency,
        actor=actor,
        kind="restore",
        text=_("Service restored (%(count)d child work orders resolved): %(resolution)s")
        % {"count": count, "resolution": resolution},
    )
    return count


# --- outages ---------------------------------------------------------------------------------


@transaction.atomic
def outage_record(
    *,
    emergency,
    actor,
    service=None,
    service_name: str = "",
    started_at,
    ended_at=None,
    cause: str = "",
) -> Outage:
    """Outage of one affected service (start, end, cause): availability reads it."""
    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    service_name = (service_name or "").strip() or (str(service) if service else "")
    if not service_name:
        raise ValidationError({"service_name": _("Name the service that was down.")})
    if started_at is None:
        raise ValidationError({"started_at": _("Give the time the outage started.")})
    if ended_at is not None and ended_at < started_at:
        raise ValidationError({"ended_at": _("The outage cannot end before it started.")})
    outage = Outage.objects.create(
        emergency=emergency,
        service=service,
        service_name=service_name[:200],
        started_at=started_at,
        ended_at=ended_at,
        cause=(cause or "").strip(),
    )
    _entry(
        emergency,
        actor=actor,
        kind="outage",
        text=_("Outage recorded: %(service)s") % {"service": service_name},
    )
    return outage


@transaction.atomic
def outage_end(*, outage, actor, ended_at=None) -> Outage:
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    workflow.require(emergency_refusal(actor, outage.emergency, "work"))
    ended_at = ended_at or timezone.now()
    if ended_at < outage.started_at:
        raise ValidationError({"ended_at": _("The outage cannot end before it started.")})
    outage.ended_at = ended_at
    outage.save(update_fields=["ended_at"])
    return outage


# --- evaluation and closing --------------------------------------------------------------------


@transaction.atomic
def emergency_submit_for_evaluation(*, emergency, actor, expected_version=None) -> Emergency:
    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    _move(
        emergency,
        actor=actor,
        name="submit_for_evaluation",
        method=emergency.submit_for_evaluation,
        refused=_refused("evaluate"),
        note=_("Round %(round)d submitted to the team for evaluation.")
        % {"round": emergency.round},
    )
    return emergency


@transaction.atomic
def emergency_evaluate(
    *,
    emergency,
    actor,
    outcome: str,
    opinion: str,
    follow_ups=(),
    problem_title: str = "",
    change_summary: str = "",
    expected_version=None,
) -> Evaluation:
    """The 应急流程评估单 of the current round.

    met → ready to close; not met → another round (a linked problem is opened as well when
    `problem_title` is given), or a new problem, or a new change (raised as an emergency
    change and linked). `follow_ups` are (description, assignee) pairs.
    """
    from problems.services import problem_create

    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "evaluate"))
    if emergency.status != Status.EVALUATING:
        raise ValidationError(_("Submit the round for evaluation first."))
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    opinion = _text(opinion, "opinion", _("Write the team's opinion."))
    if outcome == Outcome.PROBLEM and not (problem_title or "").strip():
        raise ValidationError({"problem_title": _("Give the new problem a title.")})
    if outcome == Outcome.CHANGE and not (change_summary or "").strip():
        raise ValidationError({"change_summary": _("Give the new change a summary.")})
    follow_ups = [(desc.strip(), who) for desc, who in follow_ups if (desc or "").strip()]
    now = timezone.now()
    evaluation = Evaluation(
        emergency=emergency,
        round=emergency.round,
        outcome=outcome,
        opinion=opinion,
        evaluated_by=actor,
        evaluated_at=now,
    )
    if (problem_title or "").strip() and outcome in (Outcome.PROBLEM, Outcome.CONTINUE):
        evaluation.problem = problem_create(
            actor=actor,
            title=problem_title.strip(),
            description=_("From emergency %(number)s: %(opinion)s")
            % {"number": emergency.number, "opinion": opinion},
            work_orders=[emergency.work_order],
        )
    if outcome == Outcome.CHANGE:
        from .resource_services import emergency_change_raise

        evaluation.change = emergency_change_raise(
            emergency=emergency, actor=actor, summary=change_summary, reason=opinion, lock=False
        ).change
    evaluation.save()
    for description, assignee in follow_ups:
        FollowUpTask.objects.create(
            emergency=emergency, description=description[:300], assignee=assignee
        )
        if assignee is not None:
            _tell([assignee], emergency, _("Follow-up task for you"), description)
    text = _("Evaluation of round %(round)d: %(outcome)s. %(opinion)s") % {
        "round": emergency.round,
        "outcome": Outcome(outcome).label,
        "opinion": opinion,
    }
    if outcome == Outcome.CONTINUE:
        _move(
            emergency,
            actor=actor,
            name="next_round",
            method=emergency.next_round,
            refused=_refused("next_round"),
            note=text,
            next_update_due_at=now + UPDATE_EVERY[emergency.severity],
        )
    else:
        workflow.save(emergency)
        _entry(emergency, actor=actor, kind="evaluation", text=text)
    return evaluation


def close_refusal(emergency) -> str:
    """Why the emergency cannot close yet ("" when it can): the current round evaluated as
    closable, every follow-up assigned, no child still being worked separately."""
    evaluation = emergency.evaluations.filter(round=emergency.round).first()
    if evaluation is None:
        return _("Round %(round)d has not been evaluated yet.") % {"round": emergency.round}
    if evaluation.outcome == Outcome.CONTINUE:
        return _("The evaluation asks for another round.")
    if emergency.follow_ups.filter(assignee__isnull=True).exists():
        return _("Assign every follow-up task before closing.")
    working = emergency.work_order.children.filter(
        status__in=[WorkOrderStatus.ASSIGNED, WorkOrderStatus.IN_PROGRESS]
    ).exclude(assignee__isnull=True)
    if evaluation.outcome != Outcome.MET and working.exists():
        return _("A child work order is still being worked separately.")
    return ""


@transaction.atomic
def emergency_close(
    *, emergency, actor, result: str, configuration_manager=None, expected_version=None
) -> Emergency:
    """Close after the evaluation: the result and the linked form numbers go onto the
    originating work order, the parent and its children are resolved if still open, and a
    task asks the configuration manager to register new or changed CIs."""
    emergency = _lock(emergency, expected_version)
    workflow.require(emergency_refusal(actor, emergency, "close"))
    if emergency.status != Status.EVALUATING:
        raise workflow.IllegalTransition(
            _refused("close") % {"status": emergency.get_status_display()}, code="illegal"
        )
    reason = close_refusal(emergency)
    if reason:
        raise ValidationError(reason)
    result = _text(result, "result", _("Record the result of the emergency."))
    now = timezone.now()
    if (
        emergency.work_order.is_open
        or emergency.work_order.children.filter(status__in=WORK_ORDER_OPEN).exists()
    ):
        _resolve_children_and_parent(emergency, actor=actor, resolution=result)
    emergency.outages.filter(ended_at__isnull=True).update(ended_at=now)
    numbers = [emergency.number]
    numbers += list(emergency.evaluations.values_list("number", flat=True))
    numbers += list(emergency.resource_requests.values_list("number", flat=True))
    numbers += list(emergency.change_links.values_list("change__number", flat=True))
    problem_numbers = emergency.evaluations.exclude(problem=None).values_list(
        "problem__number", flat=True
    )
    numbers += list(problem_numbers)
    incident_services.work_order_comment(
        work_order=emergency.work_order,
        actor=system_user(),
        internal=True,
        body=_("Emergency result (recorded by %(name)s): %(result)s\nForms: %(numbers)s")
        % {"name": _name(actor), "result": result, "numbers": ", ".join(numbers)},
    )
    _move(
        emergency,
        actor=actor,
        name="close",
        method=emergency.close,
        refused=_refused("close"),
        note=result,
        at=now,
        result=result,
    )
    task_owner = configuration_manager or emergency.commander
    FollowUpTask.objects.create(
        emergency=emergency,
        description=_("Check the result and register new or changed configuration items."),
        assignee=task_owner,
    )
    _tell(
        [task_owner],
        emergency,
        _("Register new or changed configuration items"),
        result,
    )
    return emergency


@transaction.atomic
def follow_up_done(*, task, actor) -> FollowUpTask:
    task = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    if task.assignee_id != actor.pk:
        workflow.require(emergency_refusal(actor, task.emergency, "close"))
    task.done_at = task.done_at or timezone.now()
    task.save(update_fields=["done_at"])
    return task
