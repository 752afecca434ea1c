"""Creating a release, editing its content and moving its window."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import ReleaseStatus
from ..models import Release
from ..models.releases import PRE_DEPLOYMENT
from ..permissions import release_refusal
from ._common import CONFLICT, _local, _log

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
