"""Every write to a release (发布).

Each service checks the acting user's right on this release → locks the row and checks
the version the user saw → fires the transition → saves → writes the transition log →
queues notifications, all in one transaction, so a refusal leaves nothing half-done.

The rules the services guarantee:
- tested: the latest build has at least one test record, and every test case's newest
  record in that build passed (a later pass of the same case, compared case-insensitively,
  supersedes an earlier failure); tests of an earlier build do not count;
- authorised: every slot of the release approver set approved (an emergency release: the
  first approval); the requester and the release manager cannot sign; one signature per
  person; any rejection rejects the release;
- deployed: only an authorised release, inside (or after the start of) its planned window
  unless it is an emergency, with every bundled change approved; the refusal says what is
  missing. Deployment writes each affected item's history and the change log.
- affected users are told once, a lead time before the window (release_notify_upcoming);
  moving the window re-arms the notice.
"""

from dataclasses import dataclass
from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from itsm.services import transition_record
from servicedesk.notifications import notify, notify_many

from .choices import ChangeLogAction, ChangeStatus, Decision, ReleaseStatus, TestResult
from .models import ApproverSet, ChangeLog, Release, ReleaseApproval, ReleaseTestRecord
from .models.releases import PRE_DEPLOYMENT
from .permissions import release_refusal
from .signoff import decision_refused, open_round, signs_for, slot_users

CONTENT_FIELDS = (
    "application",
    "release_version",
    "title",
    "type",
    "description",
    "risk",
    "risk_assessment",
    "deployment_plan",
    "rollback_plan",
    "planned_start",
    "planned_end",
    "manager",
)
# What was built and tested is what the approvers authorise: from the build on, the content
# is frozen (a supervisor may still move the window); a rejected release is reworked.
EDITABLE_STATUSES = (ReleaseStatus.PLANNED, ReleaseStatus.REJECTED)
# A bundled change counts as cleared for deployment once approved.
CHANGE_CLEARED = (
    ChangeStatus.APPROVED,
    ChangeStatus.SCHEDULED,
    ChangeStatus.IMPLEMENTING,
    ChangeStatus.IMPLEMENTED,
    ChangeStatus.REVIEWED,
    ChangeStatus.CLOSED,
)


def notice_ahead() -> timedelta:
    """How long before the window affected users are told: settings.ITSM["RELEASE_NOTICE_HOURS"]
    (24 hours unless configured)."""
    hours = getattr(settings, "ITSM", {}).get("RELEASE_NOTICE_HOURS", 24)
    return timedelta(hours=float(hours))


# This process's wording for the pipeline's errors (itsm.workflow).
CONFLICT = gettext_lazy("This release was changed by someone else. Please reload it and try again.")
REFUSED = gettext_lazy("A release that is “%(status)s” cannot do this.")


# --- helpers -------------------------------------------------------------------------


def _log(release, actor, name: str, source: str, note: str = "") -> None:
    transition_record(
        subject=release,
        transition=name,
        source=source,
        target=release.status,
        actor=actor,
        note=note,
    )


def _fire(release, actor, name: str, method, *, note: str = "", **kwargs) -> None:
    workflow.transition(
        release, actor=actor, name=name, method=method, refused=REFUSED, note=note, **kwargs
    )


def release_url(release) -> str:
    return reverse("changes:release_detail", args=[release.number])


def _tell(recipients, release, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{release.number}] {subject}",
        body=body or release.summary,
        url=release_url(release),
    )


def _local(moment) -> str:
    return timezone.localtime(moment, timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")


def _validate(release: Release) -> None:
    errors = {}
    for name, message in (
        ("application", _("Name the application or system.")),
        ("release_version", _("Give the version.")),
        ("title", _("Give the release a title.")),
    ):
        if not (getattr(release, name) or "").strip():
            errors[name] = message
    if errors:
        raise ValidationError(errors)
    taken = (
        Release.objects.annotate(app=Lower("application"), ver=Lower("release_version"))
        .filter(app=release.application.lower(), ver=release.release_version.lower())
        .exclude(pk=release.pk)
    )
    if taken.exists():
        raise ValidationError(
            {
                "release_version": _("%(application)s already has a release %(version)s.")
                % {"application": release.application, "version": release.release_version}
            }
        )
    release.full_clean(exclude=["number", "requester"], validate_constraints=False)


def _strip(fields: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


# --- create and edit -----------------------------------------------------------------


@transaction.atomic
def release_create(*, actor, changes=(), items=(), **fields) -> Release:
    """A planned release by `actor` (the release manager too, unless another is named)."""
    workflow.require(release_refusal(actor, None, "create"))
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    fields = _strip(fields)
    fields.setdefault("manager", actor)
    release = Release(requester=actor, **fields)
    _validate(release)
    try:
        with transaction.atomic():
            release.save()
    except IntegrityError as exc:  # a concurrent twin of the same version
        raise ValidationError(
            {"release_version": _("This application already has a release of that version.")}
        ) from exc
    release.changes.set(changes)
    release.items.set(items)
    _log(release, actor, "create", "")
    return release


@transaction.atomic
def release_update(
    *, release, actor, lock_version=None, changes=None, items=None, **fields
) -> Release:
    """Edit a planned or rejected release. Moving the window re-arms the notice to
    the affected users."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "edit"))
    if release.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _(
                "Only a planned or rejected release can be edited: what was built and tested "
                "is what the approvers authorise. This one is “%(status)s”; a supervisor can "
                "still reschedule it."
            )
            % {"status": release.get_status_display()}
        )
    window = (release.planned_start, release.planned_end)
    for name, value in _strip(fields).items():
        setattr(release, name, value)
    _validate(release)
    if (release.planned_start, release.planned_end) != window:
        release.users_notified_at = None
    workflow.save(release)
    if changes is not None:
        release.changes.set(changes)
    if items is not None:
        release.items.set(items)
    return release


@transaction.atomic
def release_reschedule(
    *, release, actor, planned_start, planned_end, note: str = "", lock_version=None
) -> Release:
    """Move the window of a release not yet deployed; the affected users will be told of
    the new window (again, if they had heard of the old one)."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "reschedule"))
    if release.status not in PRE_DEPLOYMENT:
        raise ValidationError(
            _("A release that is “%(status)s” cannot be rescheduled.")
            % {"status": release.get_status_display()}
        )
    if not (planned_start and planned_end):
        raise ValidationError({"planned_start": _("Give the planned window.")})
    if planned_end <= planned_start:
        raise ValidationError({"planned_end": _("The planned end must be after the start.")})
    old = (release.planned_start, release.planned_end)
    release.planned_start, release.planned_end = planned_start, planned_end
    if old != (planned_start, planned_end):
        release.users_notified_at = None
    workflow.save(release)
    window = f"{_local(planned_start)} – {_local(planned_end)}"
    _log(
        release,
        actor,
        "reschedule",
        release.status,
        (_("New window: %(window)s") % {"window": window}) + (f" — {note}" if note else ""),
    )
    return release


# --- build and test ------------------------------------------------------------------


@transaction.atomic
def release_build(*, release, actor, note: str = "", lock_version=None) -> Release:
    """The release package is built (a new build number); tests start afresh for it."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "build"))
    _fire(release, actor, "build", release.mark_built, note=note, at=timezone.now())
    return release


@dataclass
class TestingSummary:
    """The state of testing of one build."""

    build: int
    records: list
    latest: dict  # case key → newest record
    failing: list  # newest records that failed

    @property
    def passed(self) -> bool:
        return bool(self.latest) and not self.failing


def _case_key(case: str) -> str:
    return " ".join((case or "").split()).casefold()


def testing_summary(release, records=None) -> TestingSummary:
    """Newest record per test case in the release's latest build (records are newest first)."""
    if records is None:
        records = list(
            release.test_records.filter(build=release.build)
            .select_related("tester__person")
            .order_by("-tested_at", "-id")
        )
    current = [r for r in records if r.build == release.build]
    latest: dict = {}
    for record in current:
        latest.setdefault(_case_key(record.case), record)
    failing = [r for r in latest.values() if r.result == TestResult.FAILED]
    return TestingSummary(release.build, current, latest, failing)


@transaction.atomic
def release_test_record_add(
    *,
    release,
    actor,
    case: str,
    result: str,
    environment: str = "",
    notes: str = "",
    tested_at=None,
    lock_version=None,
) -> ReleaseTestRecord:
    """Record one test of the current build. Only a built (not yet tested) release takes
    test records: a failure found later means a rebuild (revise) and a new round."""
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "test"))
    if release.status != ReleaseStatus.BUILT:
        if release.status == ReleaseStatus.PLANNED:
            message = _("Mark the release built first: tests are recorded against a build.")
        else:
            message = _(
                "Tests are recorded while the release is built; this one is “%(status)s”."
            ) % {"status": release.get_status_display()}
        raise ValidationError(message, code="not_built")
    case = " ".join((case or "").split())
    if not case:
        raise ValidationError({"case": _("Say what was tested.")})
    if result not in TestResult.values:
        raise ValidationError({"result": _("Choose pass or fail.")})
    now = timezone.now()
    tested_at = tested_at or now
    if tested_at > now + timedelta(minutes=5):
        raise ValidationError({"tested_at": _("A test cannot be recorded in the future.")})
    record = ReleaseTestRecord.objects.create(
        release=release,
        build=release.build,
        case=case[:200],
        environment=(environment or "").strip()[:100],
        result=result,
        tester=actor,
        tested_at=tested_at,
        notes=(notes or "").strip(),
    )
    workflow.save(release)
    _log(
        release,
        actor,
        "test",
        release.status,
        f"{record.case}: {record.get_result_display()}"
        + (f" ({record.environment})" if record.environment else ""),
    )
    return record


def tested_blockers(release, summary: TestingSummary | None = None) -> list[str]:
    """Why the latest build does not count as tested ([] when it does)."""
    summary = summary or testing_summary(release)
    if not summary.latest:
        return [_("No test is recorded for build %(build)s yet.") % {"build": release.build or 1}]
    if summary.failing:
        return [
            _("Failing test cases without a newer pass: %(cases)s.")
            % {"cases": ", ".join(r.case for r in summary.failing)}
        ]
    return []


def _release_approver_set() -> ApproverSet:
    approver_set = (
        ApproverSet.objects.filter(for_releases=True).first()
        or ApproverSet.objects.filter(is_default=True).first()
    )
    if approver_set is None or not approver_set.slots.exists():
        raise ValidationError(
            _("No release approver set is configured. An administrator must set one up.")
        )
    return approver_set


@transaction.atomic
def release_mark_tested(*, release, actor, note: str = "", lock_version=None) -> Release:
    """The build passed its tests: the release goes to the approvers for authorisation.

    Refused, saying why, unless the build is tested (see the module docstring) and the
    release has its deployment and rollback plans, its window and something to release.
    """
    release = workflow.lock(release, expected=lock_version, conflict=CONFLICT)
    workflow.require(release_refusal(actor, release, "test"))
    if release.status != ReleaseStatus.BUILT:
        raise workflow.IllegalTransition(
            _("Only a built release can be marked tested; this one is “%(status)s”.")
            % {"status": release.get_status_display()}
        )
    errors = {}
    blockers = tested_blockers(release)
    if blockers:
        errors["__all__"] = blockers
    if not release.deployment_plan.strip():
        errors["deployment_plan"] = _("Describe how the release will be deployed.")
    if not release.rollback_plan.strip():
        errors["rollback_plan"] = _("Describe how to roll the release back.")
    if not (release.planned_start and release.planned_end):
        errors["planned_start"] = _("Give the planned window.")
    if not (release.items.exists() or release.changes.exists()):
        errors["items"] = _("Bundle at least one change or configuration item.")
    if errors:
        raise ValidationError(errors)
    approver_set = _release_approver_set()
    _fire(release, actor, "test", release.mark_tested, note=note, at=timezone.now())
    approvals = open_round(
        ReleaseApproval, approver_set=approver_set, round=release.approval_round, release=release
    )
    _tell(
        slot_users(approvals, exclude=(release.requester_id, release.manager_id)),
        release,
        _("Release awaiting your authorisation"),
    )
    return release


# --- authorisation -------------------------------------------------------------------


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


# --- deployment ----------------------------------------------------------------------


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
    from .release_selectors import release_affected_items

    items = release_affected_items(release=release)
    description = f"{release.summary}" + (f"\n{release.outcome}" if release.outcome else "")
    changes = ", ".join(c.number for c in release.changes.all())
    if changes:
        description += "\n" + _("Bundled changes: %(numbers)s") % {"numbers": changes}
    rows = [
        ChangeLog(
            release=release,
            change_number=release.number,
            item=item,
            item_label=str(item)[:250],
            action=action,
            description=description,
            actor=actor,
            at=at,
        )
        for item in items
    ]
    ChangeLog.objects.bulk_create(
        rows
        or [
            ChangeLog(
                release=release,
                change_number=release.number,
                action=action,
                description=description,
                actor=actor,
                at=at,
            )
        ]
    )
    if history:
        reason = f"{release.number} {release.application} {release.release_version}"
        for item in items:
            LogEntry.objects.log_create(
                item,
                force_log=True,
                action=LogEntry.Action.UPDATE,
                changes={},
                actor=actor if actor is not None and actor.is_authenticated else None,
                additional_data={"reason": reason, "release": release.number},
            )
    return len(items)


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
        from .release_selectors import release_impact

        _tell(
            release_impact(release=release).users,
            release,
            _("Release cancelled: %(summary)s") % {"summary": release.summary},
            note.strip(),
        )
    return release


# --- notice before the window --------------------------------------------------------


def _announce(release) -> None:
    from .release_selectors import release_impact

    impact = release_impact(release=release)
    window = f"{_local(release.planned_start)} – {_local(release.planned_end)}"
    subject = _("Planned release %(number)s: %(window)s") % {
        "number": release.number,
        "window": window,
    }
    body = _("%(summary)s\nAffected: %(items)s") % {
        "summary": release.summary,
        "items": ", ".join(str(i) for i in impact.items_changed),
    }
    notify_many([(impact.users, subject, body, "")])


def release_notify_upcoming(*, actor, now=None, ahead: timedelta | None = None) -> int:
    """Tell the affected users of each authorised release whose window opens within the
    lead time (notice_ahead()).

    Each release is claimed with a conditional UPDATE of `users_notified_at`, so a rerun
    or a second worker tells nobody twice; moving the window clears the stamp (re-arms).
    Returns how many releases were announced. The hourly task acts as
    itsm.actors.system_user().
    """
    workflow.require(release_refusal(actor, None, "announce"))
    now = now or timezone.now()
    ahead = notice_ahead() if ahead is None else ahead
    due = Release.objects.filter(
        status=ReleaseStatus.AUTHORISED,
        users_notified_at__isnull=True,
        planned_start__gte=now,
        planned_start__lte=now + ahead,
    ).values_list("pk", flat=True)
    announced = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Release.objects.filter(
                pk=pk, status=ReleaseStatus.AUTHORISED, users_notified_at__isnull=True
            ).update(users_notified_at=now)
            if not claimed:
                continue
            _announce(Release.objects.get(pk=pk))
            announced += 1
    return announced
