"""The approvers' authorisation of a tested release; revising a rejected one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import Decision, ReleaseStatus
from ..models import Release, ReleaseApproval
from ..permissions import release_refusal
from ..signoff import decision_refused, signs_for
from ._common import CONFLICT, _fire, _log, _tell


def current_approvals(release) -> list[ReleaseApproval]:
    if not release.approval_round:
        return []
    return list(
        release.approvals.filter(round=release.approval_round)
        .select_related("approver__person")
        .order_by("order", "pk")
    )


def approval_refusal(user, release, approvals=None) -> str:
    """Why `user` cannot authorise `release` now ("" when they can)."""
    if release.status != ReleaseStatus.TESTED:
        return _("This release is not awaiting authorisation (it is “%(status)s”).") % {
            "status": release.get_status_display()
        }
    if user.pk == release.requester_id:
        return _("You requested this release; another approver must decide.")
    if user.pk == release.manager_id:
        return _("You manage this release; another approver must decide.")
    approvals = current_approvals(release) if approvals is None else approvals
    mine = next((a for a in approvals if a.approver_id == user.pk), None)
    if mine is not None:
        return _("You have already decided on this release (for %(slot)s: %(decision)s).") % {
            "slot": mine.slot_name,
            "decision": mine.get_decision_display(),
        }
    matching = [a for a in approvals if signs_for(user, a)]
    if not matching:
        return _("You do not sign for any body that authorises this release (%(slots)s).") % {
            "slots": ", ".join(a.slot_name for a in approvals)
        }
    if not any(a.decision == Decision.PENDING for a in matching):
        return _("%(slot)s has already decided on this release.") % {
            "slot": ", ".join(a.slot_name for a in matching)
        }
    return ""


def approval_slot_for(user, release, approvals=None) -> ReleaseApproval | None:
    """The pending authorisation `user` may decide on `release` now, or None."""
    approvals = current_approvals(release) if approvals is None else approvals
    if approval_refusal(user, release, approvals):
        return None
    return next(
        (a for a in approvals if a.decision == Decision.PENDING and signs_for(user, a)), None
    )


@transaction.atomic
def release_decide(
    *, release, actor, approve: bool, comment: str = "", lock_version=None
) -> ReleaseApproval:
    """One approver's decision for the slot they sign for. Every slot must approve (an
    emergency release: the first approval); any rejection rejects the release. Refused
    with a clear message: not awaiting authorisation, the actor's own release, already
    decided, or the actor signs for no open slot."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    comment = (comment or "").strip()
    approvals = list(
        release.approvals.select_for_update()
        .filter(round=release.approval_round)
        .order_by("order", "pk")
    )
    decision_refused(
        actor,
        approvals,
        approval_refusal(actor, release, approvals),
        awaiting=release.status == ReleaseStatus.TESTED,
        own=actor.pk in (release.requester_id, release.manager_id),
    )
    approval = next(a for a in approvals if a.decision == Decision.PENDING and signs_for(actor, a))
    if not approve and not comment:
        raise ValidationError({"comment": _("Give a reason for the rejection.")})
    now = timezone.now()
    approval.record(approver=actor, approve=approve, comment=comment, at=now)
    approval.save()
    note = approval.timeline_note
    if not approve:
        _fire(release, actor, "reject", release.reject, note=note)
        _tell([release.requester, release.manager], release, _("Release rejected"), note)
    elif release.is_emergency or all(a.decision == Decision.APPROVED for a in approvals):
        _fire(release, actor, "authorise", release.authorise, note=note, at=now)
        _tell([release.requester, release.manager], release, _("Release authorised"), note)
    else:
        workflow.save(release)
        _log(release, actor, "approval", release.status, note)
    return approval


def release_authorise(*, release, actor, comment: str = "", lock_version=None):
    return release_decide(
        release=release,
        actor=actor,
        approve=True,
        comment=comment,
        lock_version=lock_version,
    )


def release_reject(*, release, actor, comment: str = "", lock_version=None):
    return release_decide(
        release=release,
        actor=actor,
        approve=False,
        comment=comment,
        lock_version=lock_version,
    )


@transaction.atomic
def release_revise(*, release, actor, note: str = "", lock_version=None) -> Release:
    """A rejected release goes back to planned: rebuilt, retested, authorised afresh."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "revise"))
    _fire(release, actor, "revise", release.revise, note=note)
    return release
