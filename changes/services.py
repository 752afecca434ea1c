"""Every write to a change.

Each service checks the acting user's right on this change → locks the row and checks
the version the user saw → fires the transition → saves → writes the transition log →
queues notifications. All in one transaction, so a refusal leaves nothing half-done.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from itsm import workflow
from itsm.services import transition_record
from servicedesk.notifications import notify, notify_many

from .change_log import change_log_write
from .choices import ChangeLogAction, ChangeStatus, ChangeType, Decision
from .models import (
    Approval,
    ApproverSet,
    ChangeAffectedItem,
    ChangeRequest,
    ChangeTemplate,
    FreezePeriod,
)
from .permissions import change_refusal
from .signoff import decision_refused, open_round, signs_for, slot_users

# Affected users hear about a change this long before its window opens.
NOTICE_AHEAD = timedelta(hours=24)

CONTENT_FIELDS = (
    "summary",
    "reason",
    "type",
    "risk",
    "implementation_plan",
    "test_plan",
    "rollback_plan",
    "planned_start",
    "planned_end",
    "owner",
)


# This process's wording for the pipeline's errors (itsm.workflow).
CONFLICT = gettext_lazy("This change was changed by someone else. Please reload it and try again.")
REFUSED = gettext_lazy("A change that is “%(status)s” cannot do this.")


# --- helpers -------------------------------------------------------------------------


def _fire(change, actor, name: str, method, *, note: str = "", **kwargs) -> None:
    workflow.transition(
        change, actor=actor, name=name, method=method, refused=REFUSED, note=note, **kwargs
    )


def change_url(change) -> str:
    return reverse("changes:detail", args=[change.number])


def _tell(recipients, change, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{change.number}] {subject}",
        body=body or change.summary,
        url=change_url(change),
    )


def _validate(change: ChangeRequest) -> None:
    if not (change.summary or "").strip():
        raise ValidationError({"summary": _("Give the change a summary.")})
    change.full_clean(exclude=["number", "requester"])


# --- create and edit -----------------------------------------------------------------


@transaction.atomic
def change_create(
    *,
    actor,
    summary: str = "",
    template: ChangeTemplate | None = None,
    affected_items=(),
    problems=(),
    **fields,
) -> ChangeRequest:
    """A draft RFC by `actor`. From a standard template, the template's plans and risk fill
    what is not given and the change is a standard (pre-approved) one."""
    workflow.require(change_refusal(actor, None, "create"))
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if template is not None:
        if not template.is_active:
            raise ValidationError(_("This standard change template is no longer in use."))
        for name in ("reason", "risk", "implementation_plan", "test_plan", "rollback_plan"):
            if not fields.get(name):
                fields[name] = getattr(template, name)
        summary = summary or template.summary
        fields["type"] = ChangeType.STANDARD
    elif fields.get("type") == ChangeType.STANDARD:
        raise ValidationError(
            {"type": _("A standard change is raised from a pre-approved template.")}
        )
    change = ChangeRequest(
        summary=(summary or "").strip(), template=template, requester=actor, **fields
    )
    _validate(change)
    change.save()
    _items_set(change, affected_items)
    if problems:
        change.problems.set(problems)
    transition_record(
        subject=change, transition="create", source="", target=change.status, actor=actor
    )
    return change


def _items_set(change, items) -> None:
    wanted = {item.pk for item in items}
    current = set(change.affected_item_links.values_list("item_id", flat=True))
    if wanted == current:
        return
    change.affected_item_links.filter(item_id__in=current - wanted).delete()
    ChangeAffectedItem.objects.bulk_create(
        [ChangeAffectedItem(change=change, item_id=pk) for pk in wanted - current],
        ignore_conflicts=True,
    )


@transaction.atomic
def change_update(
    *, change, actor, lock_version=None, affected_items=None, problems=None, **fields
) -> ChangeRequest:
    """Edit a draft (a submitted change is frozen until it is rejected and revised)."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "edit"))
    if change.status != ChangeStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this change is “%(status)s”.")
            % {"status": change.get_status_display()}
        )
    if fields.get("type") == ChangeType.STANDARD and change.template_id is None:
        raise ValidationError(
            {"type": _("A standard change is raised from a pre-approved template.")}
        )
    for name, value in fields.items():
        setattr(change, name, value.strip() if isinstance(value, str) else value)
    _validate(change)
    workflow.save(change)
    if affected_items is not None:
        _items_set(change, affected_items)
    if problems is not None:
        change.problems.set(problems)
    return change


# --- transitions ---------------------------------------------------------------------


@transaction.atomic
def change_submit(*, change, actor, note: str = "", lock_version=None) -> ChangeRequest:
    """Send the draft to the change manager; it needs a plan and a planned window."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "submit"))
    errors = {}
    if not change.implementation_plan.strip():
        errors["implementation_plan"] = _("Describe how the change will be implemented.")
    if not change.rollback_plan.strip() and change.type != ChangeType.STANDARD:
        errors["rollback_plan"] = _("Describe how to roll the change back.")
    if not (change.planned_start and change.planned_end):
        errors["planned_start"] = _("Give the planned window.")
    if errors:
        raise ValidationError(errors)
    _fire(change, actor, "submit", change.submit, note=note, at=timezone.now())
    return change


@transaction.atomic
def change_assess(
    *, change, actor, assessment: str = "", note: str = "", lock_version=None
) -> ChangeRequest:
    """The change manager has assessed risk and impact. A standard change from a template
    is approved at once (pre-approved); the others go on to the CAB."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "assess"))
    _fire(
        change,
        actor,
        "assess",
        change.assess,
        note=note,
        assessment=(assessment or "").strip(),
        at=timezone.now(),
    )
    if can_proceed(change.preapprove):
        _fire(
            change,
            actor,
            "preapprove",
            change.preapprove,
            note=_("Standard change: pre-approved template “%(name)s”.")
            % {"name": change.template.name},
            at=timezone.now(),
        )
    return change


def _default_approver_set() -> ApproverSet:
    approver_set = ApproverSet.objects.filter(is_default=True).first()
    if approver_set is None or not approver_set.slots.exists():
        raise ValidationError(
            _("No approver set (CAB) is configured. An administrator must set one up.")
        )
    return approver_set


@transaction.atomic
def change_request_approval(*, change, actor, note: str = "", lock_version=None) -> ChangeRequest:
    """Put the change before the CAB: one pending approval per slot of the default set,
    and the people who may sign are told."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "request_approval"))
    if change.type == ChangeType.STANDARD and change.template_id:
        raise ValidationError(_("A standard change is pre-approved and skips the CAB."))
    approver_set = _default_approver_set()
    _fire(change, actor, "request_approval", change.request_approval, note=note)
    approvals = open_round(
        Approval, approver_set=approver_set, round=change.approval_round, change=change
    )
    _tell(
        slot_users(approvals, exclude=(change.requester_id, change.owner_id)),
        change,
        _("Awaiting your approval"),
    )
    return change


def current_approvals(change) -> list[Approval]:
    return list(
        change.approvals.filter(round=change.approval_round)
        .select_related("approver__person")
        .order_by("order", "pk")
    )


def own_change_refusal(user, change) -> str:
    """Why `user` may not decide on their own change ("" when it is not theirs)."""
    if user.pk == change.requester_id:
        return _("You requested this change; another approver must decide.")
    if user.pk == change.owner_id:
        return _("You implement this change; another approver must decide.")
    return ""


def approval_refusal(user, change, approvals=None) -> str:
    """Why `user` cannot decide on `change` for the CAB now ("" when they can).

    The one rule: the change page calls it to offer the approve/reject forms or say why
    not, approval_decide to refuse, approval_slot_for to find the slot.
    """
    if change.status != ChangeStatus.AWAITING_APPROVAL:
        return _("This change is not awaiting approval (it is “%(status)s”).") % {
            "status": change.get_status_display()
        }
    approvals = current_approvals(change) if approvals is None else approvals
    own = own_change_refusal(user, change)
    if own:
        return own
    mine = next((a for a in approvals if a.approver_id == user.pk), None)
    if mine is not None:
        return _("You have already decided on this change (for %(slot)s: %(decision)s).") % {
            "slot": mine.slot_name,
            "decision": mine.get_decision_display(),
        }
    matching = [a for a in approvals if signs_for(user, a)]
    if not matching:
        return _("You do not sign for any body on this change's approval board (%(slots)s).") % {
            "slots": ", ".join(a.slot_name for a in approvals)
        }
    if not any(a.decision == Decision.PENDING for a in matching):
        return _("%(slot)s has already decided on this change.") % {
            "slot": ", ".join(a.slot_name for a in matching)
        }
    return ""


def approval_slot_for(user, change, approvals=None) -> Approval | None:
    """The pending approval `user` may decide on `change` now, or None."""
    approvals = current_approvals(change) if approvals is None else approvals
    if approval_refusal(user, change, approvals):
        return None
    return next(
        (a for a in approvals if a.decision == Decision.PENDING and signs_for(user, a)), None
    )


@transaction.atomic
def approval_decide(
    *, change, actor, approve: bool, comment: str = "", lock_version=None
) -> Approval:
    """Record one CAB member's decision for the slot they sign for.

    Normal changes need every slot's approval; an emergency change goes ahead on the
    first approval (and is reviewed afterwards). Any rejection rejects the change. Refused
    with approval_refusal's message: not awaiting approval, the actor's own change or a
    slot they do not sign for (403), decided already (400).
    """
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    comment = (comment or "").strip()
    approvals = list(
        change.approvals.select_for_update().filter(round=change.approval_round).order_by("order")
    )
    decision_refused(
        actor,
        approvals,
        approval_refusal(actor, change, approvals),
        awaiting=change.status == ChangeStatus.AWAITING_APPROVAL,
        own=bool(own_change_refusal(actor, change)),
    )
    approval = next(a for a in approvals if a.decision == Decision.PENDING and signs_for(actor, a))
    if not approve and not comment:
        raise ValidationError({"comment": _("Give a reason for the rejection.")})
    now = timezone.now()
    approval.record(approver=actor, approve=approve, comment=comment, at=now)
    approval.save()
    note = approval.timeline_note
    if not approve:
        _fire(change, actor, "reject", change.reject, note=note)
        _tell([change.requester, change.owner], change, _("Change rejected"), note)
    elif change.is_emergency or all(a.decision == Decision.APPROVED for a in approvals):
        _fire(change, actor, "approve", change.approve, note=note, at=now)
        _tell([change.requester, change.owner], change, _("Change approved"), note)
    else:
        # A signature that does not yet decide the change: on the timeline all the same.
        workflow.save(change)
        transition_record(
            subject=change,
            transition="approval",
            source=change.status,
            target=change.status,
            actor=actor,
            note=note,
        )
    return approval


@transaction.atomic
def change_approve_by_emergency_team(*, change, actor, note: str, lock_version=None):
    """An emergency change approved by the emergency team instead of the CAB (plan §5.2.3).
    The caller (emergencies) has checked the actor's right on the emergency; the change
    must be marked an emergency (the state machine refuses any other)."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    _fire(
        change,
        actor,
        "approve_by_emergency_team",
        change.approve_by_emergency_team,
        note=note,
        at=timezone.now(),
    )
    return change


def change_approve(*, change, actor, comment: str = "", lock_version=None) -> Approval:
    return approval_decide(
        change=change, actor=actor, approve=True, comment=comment, lock_version=lock_version
    )


def change_reject(*, change, actor, comment: str = "", lock_version=None) -> Approval:
    return approval_decide(
        change=change, actor=actor, approve=False, comment=comment, lock_version=lock_version
    )


@transaction.atomic
def change_revise(*, change, actor, note: str = "", lock_version=None) -> ChangeRequest:
    """A rejected change goes back to draft, to be reworked and submitted again."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "revise"))
    _fire(change, actor, "revise", change.revise, note=note)
    return change


def freezes_overlapping(start, end):
    return FreezePeriod.objects.filter(start__lt=end, end__gt=start).order_by("start")


@transaction.atomic
def change_schedule(*, change, actor, note: str = "", lock_version=None) -> ChangeRequest:
    """Fix the approved change in the calendar. A window inside a freeze period is refused
    unless the change is an emergency; the affected users are told before it opens
    (tasks.notify_upcoming_changes)."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "schedule"))
    if not (change.planned_start and change.planned_end):
        raise ValidationError({"planned_start": _("Give the planned window first.")})
    if not change.is_emergency:
        freeze = freezes_overlapping(change.planned_start, change.planned_end).first()
        if freeze is not None:
            zone = timezone.get_current_timezone()
            raise ValidationError(
                _(
                    "The window falls in the freeze period “%(name)s” (%(start)s – %(end)s); "
                    "only emergency changes can be scheduled then."
                )
                % {
                    "name": freeze.name,
                    "start": timezone.localtime(freeze.start, zone).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(freeze.end, zone).strftime("%Y-%m-%d %H:%M"),
                },
                code="freeze",
            )
    _fire(change, actor, "schedule", change.schedule, note=note, at=timezone.now())
    return change


@transaction.atomic
def change_start(*, change, actor, note: str = "", lock_version=None) -> ChangeRequest:
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "start"))
    _fire(change, actor, "start", change.start, note=note, at=timezone.now())
    return change


def _log_items(change, actor, action: str, at, *, history: bool) -> int:
    """Change-log rows for each affected item; with `history`, an entry on each item's
    own timeline giving the change number as the reason."""
    return change_log_write(
        number=change.number,
        items=list(change.affected_items.order_by("asset_tag")),
        action=action,
        description=change.summary + (f"\n{change.outcome}" if change.outcome else ""),
        actor=actor,
        at=at,
        history=history,
        reason=change.number,
        link={"change": change},
    )


@transaction.atomic
def change_complete(
    *, change, actor, outcome: str = "", note: str = "", lock_version=None
) -> ChangeRequest:
    """Implemented: each affected item's history and the change log record it."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "complete"))
    now = timezone.now()
    _fire(change, actor, "complete", change.complete, note=note, outcome=outcome.strip(), at=now)
    _log_items(change, actor, ChangeLogAction.IMPLEMENTED, now, history=True)
    return change


@transaction.atomic
def change_fail(*, change, actor, outcome: str, note: str = "", lock_version=None):
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "fail"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe what went wrong.")})
    now = timezone.now()
    _fire(change, actor, "fail", change.fail, note=note, outcome=outcome.strip(), at=now)
    _log_items(change, actor, ChangeLogAction.FAILED, now, history=False)
    return change


@transaction.atomic
def change_roll_back(*, change, actor, outcome: str, note: str = "", lock_version=None):
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "roll_back"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe what was rolled back and why.")})
    now = timezone.now()
    _fire(change, actor, "roll_back", change.roll_back, note=note, outcome=outcome.strip(), at=now)
    _log_items(change, actor, ChangeLogAction.ROLLED_BACK, now, history=True)
    return change


@transaction.atomic
def change_review(
    *, change, actor, review_notes: str, note: str = "", lock_version=None
) -> ChangeRequest:
    """The post-implementation review (required for emergency and failed changes)."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "review"))
    if not (review_notes or "").strip():
        raise ValidationError({"review_notes": _("Write the review.")})
    _fire(
        change,
        actor,
        "review",
        change.review,
        note=note,
        review_notes=review_notes.strip(),
        at=timezone.now(),
    )
    return change


@transaction.atomic
def change_close(*, change, actor, note: str = "", lock_version=None) -> ChangeRequest:
    """Close a reviewed change, or an implemented one that needs no review."""
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "close"))
    now = timezone.now()
    if change.status == ChangeStatus.IMPLEMENTED:
        if change.is_emergency:
            raise ValidationError(
                _("An emergency change needs its post-implementation review before closing.")
            )
        _fire(change, actor, "close", change.close_without_review, note=note, at=now)
    else:
        _fire(change, actor, "close", change.close, note=note, at=now)
    return change


# --- reminders -----------------------------------------------------------------------


def change_notify_upcoming(*, actor, now=None, ahead: timedelta = NOTICE_AHEAD) -> int:
    """Tell the affected users of each scheduled change whose window opens within `ahead`.

    Each change is claimed with a conditional UPDATE of `users_notified_at`, so a rerun or
    a second worker tells nobody twice. Returns how many changes were announced. The
    hourly task acts as itsm.actors.system_user().
    """
    from .selectors import change_impact

    workflow.require(change_refusal(actor, None, "announce"))
    now = now or timezone.now()
    due = ChangeRequest.objects.filter(
        status=ChangeStatus.SCHEDULED,
        users_notified_at__isnull=True,
        planned_start__gte=now,
        planned_start__lte=now + ahead,
    ).values_list("pk", flat=True)
    announced = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = ChangeRequest.objects.filter(pk=pk, users_notified_at__isnull=True).update(
                users_notified_at=now
            )
            if not claimed:
                continue
            change = ChangeRequest.objects.get(pk=pk)
            impact = change_impact(change=change)
            zone = timezone.get_current_timezone()
            window = "%s – %s" % (
                timezone.localtime(change.planned_start, zone).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(change.planned_end, zone).strftime("%Y-%m-%d %H:%M"),
            )
            subject = _("Planned change %(number)s: %(window)s") % {
                "number": change.number,
                "window": window,
            }
            body = _("%(summary)s\nAffected: %(items)s") % {
                "summary": change.summary,
                "items": ", ".join(str(i) for i in impact.items_changed),
            }
            notify_many([(impact.users, subject, body, "")])
            announced += 1
    return announced
