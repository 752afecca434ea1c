"""Drills and facility incidents (§5.1.2): drills recorded; fire, power, water and lightning
incidents written up, reviewed by the department head and reported to the authority above."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify

from ..choices import DrillKind, DrillResult, FacilityIncidentKind
from ..models import Drill, FacilityIncident
from ..permissions import drill_refusal, facility_incident_refusal
from ._common import _information_centre_users, _text

__all__ = [
    "drill_record",
    "facility_incident_create",
    "facility_incident_report",
    "facility_incident_review",
    "facility_incident_update",
]

INCIDENT_FIELDS = (
    "kind", "title", "occurred_at", "ended_at", "place", "description", "cause", "losses",
    "actions", "prevention", "emergency",
)  # fmt: skip


def _conflict():
    return _("This report was changed by someone else. Reload it and try again.")


@transaction.atomic
def drill_record(
    *,
    actor,
    kind: str,
    held_on,
    scenario: str,
    participants: str,
    result: str,
    place: str = "",
    findings: str = "",
    improvements: str = "",
) -> Drill:
    """A drill held. Guarantees: kind and result are known values, not in the future, a
    scenario and at least one participant; a drill not fully met needs its findings."""
    workflow.require(drill_refusal(actor))
    if kind not in DrillKind.values:
        raise ValidationError({"kind": _("Choose the kind of drill.")})
    if result not in DrillResult.values:
        raise ValidationError({"result": _("Choose how the drill went.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A drill cannot be recorded before it is held.")})
    scenario = _text(scenario, "scenario", _("Describe the scenario practised."))
    participants = _text(participants, "participants", _("Name who took part."))
    if result != DrillResult.MET and not (findings or "").strip():
        raise ValidationError({"findings": _("Say what went wrong: the drill was not fully met.")})
    return Drill.objects.create(
        kind=kind,
        held_on=held_on,
        place=(place or "").strip(),
        scenario=scenario,
        participants=participants,
        result=result,
        findings=(findings or "").strip(),
        improvements=(improvements or "").strip(),
        recorded_by=actor,
    )


def _check_incident(fields: dict) -> dict:
    if fields.get("kind") not in FacilityIncidentKind.values:
        raise ValidationError({"kind": _("Choose the kind of incident.")})
    fields["title"] = _text(fields.get("title"), "title", _("Give the report a title."))
    fields["place"] = _text(fields.get("place"), "place", _("Say where it happened."))
    fields["description"] = _text(
        fields.get("description"), "description", _("Describe what happened.")
    )
    occurred, ended = fields.get("occurred_at"), fields.get("ended_at")
    if occurred is None:
        raise ValidationError({"occurred_at": _("Say when it happened.")})
    if occurred > timezone.now():
        raise ValidationError({"occurred_at": _("The time cannot be in the future.")})
    if ended is not None and ended < occurred:
        raise ValidationError({"ended_at": _("It cannot be over before it began.")})
    for name in ("cause", "losses", "actions", "prevention"):
        fields[name] = (fields.get(name) or "").strip()
    return fields


def _supervisors():
    return list(get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True))


@transaction.atomic
def facility_incident_create(*, actor, **fields) -> FacilityIncident:
    """Write up a facility incident (a draft until reviewed); the supervisors are told."""
    workflow.require(facility_incident_refusal(actor, None, "create"))
    fields = _check_incident({k: fields.get(k) for k in INCIDENT_FIELDS})
    incident = FacilityIncident.objects.create(written_by=actor, **fields)
    workflow.log_transition(incident, name="create", source="", target="draft", actor=actor)
    workflow.after_commit(
        notify,
        recipients=_supervisors(),
        subject=_("%(number)s: facility incident to review") % {"number": incident.number},
        body=incident.title,
        url=incident.get_absolute_url(),
    )
    return incident


@transaction.atomic
def facility_incident_update(*, incident, actor, lock_version=None, **fields) -> FacilityIncident:
    """Change a draft; a stale `lock_version` is refused, never overwritten."""
    incident = workflow.lock(incident, expected=lock_version, conflict=_conflict())
    workflow.require(facility_incident_refusal(actor, incident, "edit"))
    merged = {k: fields.get(k, getattr(incident, k)) for k in INCIDENT_FIELDS}
    for name, value in _check_incident(merged).items():
        setattr(incident, name, value)
    workflow.save(incident)
    return incident


@transaction.atomic
def facility_incident_review(
    *, incident, actor, comment: str = "", lock_version=None
) -> FacilityIncident:
    """The department head (service supervisor) reviews the write-up."""
    incident = workflow.lock(incident, expected=lock_version, conflict=_conflict())
    workflow.require(facility_incident_refusal(actor, incident, "review"))
    workflow.transition(
        incident,
        actor=actor,
        name="review",
        method=incident.review,
        refused=_("A report that is “%(status)s” cannot be reviewed."),
        note=comment,
        by=actor,
        at=timezone.now(),
        comment=(comment or "").strip(),
    )
    return incident


@transaction.atomic
def facility_incident_report(
    *, incident, actor, reported_to: str, lock_version=None
) -> FacilityIncident:
    """Report the reviewed write-up to the authority above; the information centre is told."""
    incident = workflow.lock(incident, expected=lock_version, conflict=_conflict())
    workflow.require(facility_incident_refusal(actor, incident, "report"))
    reported_to = _text(reported_to, "reported_to", _("Say to whom it was reported."))
    workflow.transition(
        incident,
        actor=actor,
        name="report",
        method=incident.report,
        refused=_("A report that is “%(status)s” cannot be reported upward."),
        note=reported_to,
        by=actor,
        at=timezone.now(),
        to=reported_to,
    )
    workflow.after_commit(
        notify,
        recipients=_information_centre_users(),
        subject=_("%(number)s: facility incident reported: %(title)s")
        % {"number": incident.number, "title": incident.title},
        url=incident.get_absolute_url(),
    )
    return incident
