"""Writes to service outages (cmdb.ServiceOutage).

Two doors: the supervisor's own records and corrections (`outage_create`, `outage_update`,
`outage_close`, refused to every other role), and `outage_record_from` /
`outages_end_from` for the processes that take services down (emergencies, a major
incident's resolution), which have checked their own actor's right to act on the
emergency or work order before calling. Every write lands on the outage's audit timeline
with the acting user, also outside a request (a task, the API).
"""

from contextlib import nullcontext
from datetime import datetime

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import OutageSource
from ..models import ConfigurationItem, ServiceOutage
from ..permissions import outage_refusal

CONFLICT = "This outage was changed by someone else meanwhile: reload and try again."


def _actor_context(actor):
    # auditlog's middleware sets the actor for requests only; tasks and services called
    # from other apps need it set here or the audit row has no name.
    return set_actor(actor) if getattr(actor, "is_authenticated", False) else nullcontext()


def _validate(*, service, service_name: str, started_at, ended_at) -> str:
    errors = {}
    name = (service_name or "").strip() or (str(service.name) if service else "")
    if not name:
        errors["service"] = _("Choose the service that was down.")
    if started_at is None:
        errors["started_at"] = _("Give the time the outage started.")
    elif ended_at is not None and ended_at < started_at:
        errors["ended_at"] = _("The outage cannot end before it started.")
    elif started_at > timezone.now():
        errors["started_at"] = _("An outage cannot start in the future.")
    if ended_at is not None and ended_at > timezone.now():
        errors["ended_at"] = _("An outage cannot end in the future; leave it open.")
    if errors:
        raise ValidationError(errors)
    return name[:200]


@transaction.atomic
def outage_record_from(
    *,
    source: str,
    source_number: str,
    actor,
    service: ConfigurationItem | None = None,
    service_name: str = "",
    started_at: datetime,
    ended_at: datetime | None = None,
    cause: str = "",
) -> ServiceOutage:
    """An outage recorded by the process that caused it (the caller checked the actor's
    right to act on its emergency or work order)."""
    if source not in OutageSource.values or source == OutageSource.MANUAL:
        raise ValueError(f"unknown outage source {source!r}")
    name = _validate(
        service=service, service_name=service_name, started_at=started_at, ended_at=ended_at
    )
    with _actor_context(actor):
        return ServiceOutage.objects.create(
            service=service,
            service_name=name,
            started_at=started_at,
            ended_at=ended_at,
            cause=(cause or "").strip(),
            source=source,
            source_number=source_number,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )


@transaction.atomic
def outages_end_from(*, source: str, source_number: str, actor, at: datetime | None = None) -> int:
    """End the source's open outages (service restored); returns how many. Row by row, so
    each end is on its outage's audit timeline."""
    at = at or timezone.now()
    count = 0
    with _actor_context(actor):
        for outage in ServiceOutage.objects.select_for_update().filter(
            source=source, source_number=source_number, ended_at__isnull=True
        ):
            outage.ended_at = max(at, outage.started_at)
            workflow.save(outage, update_fields=["ended_at", "updated_at"])
            count += 1
    return count


def outages_overlapping(*, service, start: datetime, end: datetime | None):
    """Outages of `service` overlapping [start, end) (end None: still down)."""
    qs = ServiceOutage.objects.filter(service=service).exclude(ended_at__lte=start)
    if end is not None:
        qs = qs.filter(started_at__lt=end)
    return qs


@transaction.atomic
def outage_create(*, actor, service, started_at, ended_at=None, cause: str = "") -> ServiceOutage:
    """The supervisor records an outage by hand."""
    workflow.require(outage_refusal(actor, None, "create"))
    if service is not None and not service.effective_service_window:
        raise ValidationError({"service": _("This item is not a service with a service window.")})
    name = _validate(service=service, service_name="", started_at=started_at, ended_at=ended_at)
    with _actor_context(actor):
        return ServiceOutage.objects.create(
            service=service,
            service_name=name,
            started_at=started_at,
            ended_at=ended_at,
            cause=(cause or "").strip(),
            source=OutageSource.MANUAL,
            recorded_by=actor,
        )


_EDITABLE = ("service", "started_at", "ended_at", "cause")


@transaction.atomic
def outage_update(*, outage, actor, lock_version=None, **fields) -> ServiceOutage:
    """The supervisor corrects an outage (any source); the old values stay in the audit."""
    outage = workflow.lock(outage, expected=lock_version, conflict=_(CONFLICT))
    workflow.require(outage_refusal(actor, outage, "change"))
    unknown = set(fields) - set(_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(outage, name, value.strip() if isinstance(value, str) else value)
    if "service" in fields:
        service = fields["service"]
        if service is not None and not service.effective_service_window:
            raise ValidationError(
                {"service": _("This item is not a service with a service window.")}
            )
        outage.service_name = ""
    outage.service_name = _validate(
        service=outage.service,
        service_name=outage.service_name,
        started_at=outage.started_at,
        ended_at=outage.ended_at,
    )
    with _actor_context(actor):
        workflow.save(outage)
    return outage


@transaction.atomic
def outage_close(*, outage, actor, ended_at=None, lock_version=None) -> ServiceOutage:
    """Service restored: the open outage ends (now unless given)."""
    outage = workflow.lock(outage, expected=lock_version, conflict=_(CONFLICT))
    workflow.require(outage_refusal(actor, outage, "change"))
    if outage.ended_at is not None:
        raise ValidationError(_("This outage has already ended."))
    ended_at = ended_at or timezone.now()
    _validate(
        service=outage.service,
        service_name=outage.service_name,
        started_at=outage.started_at,
        ended_at=ended_at,
    )
    outage.ended_at = ended_at
    with _actor_context(actor):
        workflow.save(outage, update_fields=["ended_at", "updated_at"])
    return outage
