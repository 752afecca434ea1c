"""Deploying a release, and what follows: failure, roll-back, closing, cancelling."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..change_log import change_log_write
from ..choices import ChangeLogAction, ChangeStatus, Decision, ReleaseStatus
from ..models import Release
from ..models.releases import PRE_DEPLOYMENT
from ..permissions import release_refusal
from ._common import CONFLICT, _announce, _fire, _local, _tell
from .authorisation import current_approvals
from .testing import tested_blockers

# A bundled change counts as cleared for deployment once approved.
CHANGE_CLEARED = (
    ChangeStatus.APPROVED,
    ChangeStatus.SCHEDULED,
    ChangeStatus.IMPLEMENTING,
    ChangeStatus.IMPLEMENTED,
    ChangeStatus.REVIEWED,
    ChangeStatus.CLOSED,
)


def deploy_blockers(release, *, now=None, approvals=None, summary=None) -> list[str]:
    """Everything that stands between `release` and production ([] when it may go)."""
    now = now or timezone.now()
    status = release.status
    if status not in PRE_DEPLOYMENT:
        return [
            _("This release is “%(status)s”; it cannot be deployed.")
            % {"status": release.get_status_display()}
        ]
    reasons = []
    if status in (ReleaseStatus.PLANNED, ReleaseStatus.BUILT):
        if status == ReleaseStatus.PLANNED:
            reasons.append(_("Not built: mark the build first."))
        detail = tested_blockers(release, summary) if status == ReleaseStatus.BUILT else []
        reasons.append(
            _("Not tested: it needs passing test records and to be marked tested.")
            + (" " + " ".join(detail) if detail else "")
        )
    if status == ReleaseStatus.REJECTED:
        reasons.append(_("Rejected by the approvers: revise it, rebuild, retest and ask again."))
    elif status != ReleaseStatus.AUTHORISED:
        pending = [
            a.slot_name
            for a in (current_approvals(release) if approvals is None else approvals)
            if a.decision == Decision.PENDING
        ]
        reasons.append(
            _("Not authorised: waiting for %(slots)s.") % {"slots": ", ".join(pending)}
            if pending
            else _("Not authorised: the approvers have not approved it.")
        )
    if not (release.planned_start and release.planned_end):
        reasons.append(_("No planned window."))
    elif not release.is_emergency and now < release.planned_start:
        reasons.append(
            _("The planned window opens at %(start)s; only an emergency release goes earlier.")
            % {"start": _local(release.planned_start)}
        )
    uncleared = [c.number for c in release.changes.all() if c.status not in CHANGE_CLEARED]
    if uncleared:
        reasons.append(
            _("Bundled changes not yet approved: %(numbers)s.")
            % {"numbers": ", ".join(sorted(uncleared))}
        )
    return reasons


def _log_items(release, actor, action: str, at, *, history: bool) -> int:
    """Change-log rows for each affected item; with `history`, an entry on each item's own
    timeline giving the release number as the reason."""
    from ..release_selectors import release_affected_items

    description = f"{release.summary}" + (f"\n{release.outcome}" if release.outcome else "")
    changes = ", ".join(c.number for c in release.changes.all())
    if changes:
        description += "\n" + _("Bundled changes: %(numbers)s") % {"numbers": changes}
    return change_log_write(
        number=release.number,
        items=release_affected_items(release=release),
        action=action,
        description=description,
        actor=actor,
        at=at,
        history=history,
        reason=f"{release.number} {release.application} {release.release_version}",
        link={"release": release},
    )


@transaction.atomic
def release_deploy(
    *, release, actor, outcome: str = "", note: str = "", lock_version=None
) -> Release:
    """Deploy to production. Refused with every missing condition named (not tested, not
    authorised, window not open, bundled changes not approved). Writes each affected
    item's history and the change log; affected users not yet told are told now."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "deploy"))
    now = timezone.now()
    blockers = deploy_blockers(release, now=now)
    if blockers:
        raise ValidationError(
            _("This release cannot be deployed yet: %(reasons)s") % {"reasons": " ".join(blockers)},
            code="not_ready",
        )
    _fire(release, actor, "deploy", release.deploy, note=note, outcome=outcome.strip(), at=now)
    _log_items(release, actor, ChangeLogAction.DEPLOYED, now, history=True)
    if Release.objects.filter(pk=release.pk, users_notified_at__isnull=True).update(
        users_notified_at=now
    ):
        _announce(release)
    _tell([release.requester, release.manager], release, _("Release deployed"), release.outcome)
    return release


@transaction.atomic
def release_fail(*, release, actor, outcome: str, note: str = "", lock_version=None):
    """The deployment failed (recorded in the change log; the items were not changed)."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "deploy"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe what went wrong.")})
    now = timezone.now()
    _fire(release, actor, "fail", release.fail, note=note, outcome=outcome.strip(), at=now)
    _log_items(release, actor, ChangeLogAction.FAILED, now, history=False)
    _tell([release.requester, release.manager], release, _("Release deployment failed"), outcome)
    return release


@transaction.atomic
def release_roll_back(*, release, actor, outcome: str, note: str = "", lock_version=None):
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "deploy"))
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe what was rolled back and why.")})
    now = timezone.now()
    _fire(
        release, actor, "roll_back", release.roll_back, note=note, outcome=outcome.strip(), at=now
    )
    _log_items(release, actor, ChangeLogAction.ROLLED_BACK, now, history=True)
    return release


@transaction.atomic
def release_close(*, release, actor, note: str = "", lock_version=None) -> Release:
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "close"))
    _fire(release, actor, "close", release.close, note=note, at=timezone.now())
    return release


@transaction.atomic
def release_cancel(*, release, actor, note: str = "", lock_version=None) -> Release:
    """Withdraw a release that has not gone out; users already told hear it is off."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "cancel"))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the release is cancelled.")})
    told = release.users_notified_at is not None
    _fire(release, actor, "cancel", release.cancel, note=note.strip(), at=timezone.now())
    if told:
        from ..release_selectors import release_impact

        _tell(
            release_impact(release=release).users,
            release,
            _("Release cancelled: %(summary)s") % {"summary": release.summary},
            note.strip(),
        )
    return release
