"""Building a release, recording its tests and marking it tested."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import ReleaseStatus, TestResult
from ..models import ApproverSet, Release, ReleaseApproval, ReleaseTestRecord
from ..permissions import release_refusal
from ..signoff import open_round, slot_users
from ._common import CONFLICT, _fire, _log, _tell


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

    Refused, saying why, unless the build is tested (see the package docstring) and the
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
