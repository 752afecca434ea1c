"""Every write to a problem.

Each service checks the acting user's right on this object → locks the row and checks
the version the user saw → fires the transition → saves → writes the transition log →
queues the side effects (knowledge record, notifications). All in one transaction, so a
refusal or a conflict leaves nothing half-done.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.services import work_order_link, work_order_url
from itsm import workflow
from itsm.services import transition_record
from knowledge import services as knowledge_services
from servicedesk.notifications import notify_many

from .choices import FishboneCategory, ProblemStatus
from .models import FishboneCause, Problem, ProblemWorkOrder
from .permissions import problem_refusal

logger = logging.getLogger(__name__)


# This process's wording for the pipeline's errors (itsm.workflow).
CONFLICT = gettext_lazy("This problem was changed by someone else. Please reload it and try again.")
REFUSED = gettext_lazy("A problem that is “%(status)s” cannot do this.")


# --- helpers -------------------------------------------------------------------------


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def _transition(problem, actor, name: str, method, *, note: str = "", **kwargs) -> None:
    workflow.transition(
        problem,
        actor=actor,
        name=name,
        method=method,
        refused=REFUSED,
        note=note,
        **kwargs,
    )


# --- create and edit -----------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    actor,
    title: str,
    description: str = "",
    category=None,
    device=None,
    owner=None,
    work_orders=(),
) -> Problem:
    """A new problem owned by `owner` (the raising supervisor by default), numbered, with
    `work_orders` linked (each work order's page lists the problem)."""
    workflow.require(problem_refusal(actor, None, "create"))
    problem = Problem(
        title=_required(title, "title", _("Give the problem a title.")),
        description=(description or "").strip(),
        category=category,
        device=device,
        owner=owner or actor,
        created_by=actor,
    )
    problem.full_clean(exclude=["number"])
    problem.save()
    transition_record(
        subject=problem, transition="create", source="", target=problem.status, actor=actor
    )
    _link(problem, list(work_orders), actor)
    return problem


def _link(problem, work_orders, actor) -> int:
    existing = set(
        ProblemWorkOrder.objects.filter(problem=problem).values_list("work_order_id", flat=True)
    )
    new = [wo for wo in work_orders if wo.pk not in existing]
    ProblemWorkOrder.objects.bulk_create(
        [ProblemWorkOrder(problem=problem, work_order=wo, linked_by=actor) for wo in new],
        ignore_conflicts=True,
    )
    for work_order in new:
        work_order_link(work_order=work_order, target=problem, actor=actor)
    return len(new)


@transaction.atomic
def problem_link_work_orders(*, problem, actor, work_orders) -> int:
    """Link more work orders (idempotent); returns how many were new."""
    workflow.require(problem_refusal(actor, problem, "link"))
    if problem.status == ProblemStatus.CLOSED:
        raise ValidationError(_("A closed problem cannot take more work orders."))
    return _link(problem, list(work_orders), actor)


@transaction.atomic
def problem_link_suggestion(*, problem, actor, kind: str, key: str, since_days: int) -> int:
    """Link a recurring-fault suggestion's unlinked work orders to `problem`, which must
    be the open problem covering that device or category (a crafted form could name
    another, even a resolved one). Returns how many were new."""
    from . import selectors

    workflow.require(problem_refusal(actor, problem, "link"))
    stale = ValidationError(_("That suggestion is no longer valid; reload the list."))
    if kind not in ("device", "category") or not str(key).isdecimal():
        raise stale
    if selectors.open_problem_covering(kind=kind, key=int(key)) != problem:
        raise stale
    work_orders = selectors.suggestion_work_orders(kind=kind, key=int(key), since_days=since_days)
    return _link(problem, list(work_orders), actor)


# --- transitions ---------------------------------------------------------------------


@transaction.atomic
def problem_investigate(*, problem, actor, note: str = "", lock_version=None) -> Problem:
    """Start the investigation."""
    problem = workflow.lock(problem, expected=lock_version, conflict=CONFLICT)
    workflow.require(problem_refusal(actor, problem, "investigate"))
    _transition(problem, actor, "investigate", problem.investigate, note=note, at=timezone.now())
    return problem


@transaction.atomic
def problem_record_root_cause(
    *, problem, actor, root_cause: str, note: str = "", lock_version=None
) -> Problem:
    """Record (or correct) the root cause; the problem is then "root cause known"."""
    problem = workflow.lock(problem, expected=lock_version, conflict=CONFLICT)
    workflow.require(problem_refusal(actor, problem, "root_cause"))
    root_cause = _required(root_cause, "root_cause", _("Describe the root cause."))
    _transition(
        problem,
        actor,
        "record_root_cause",
        problem.record_root_cause,
        note=note,
        root_cause=root_cause,
        at=timezone.now(),
    )
    return problem


@transaction.atomic
def problem_publish_workaround(
    *,
    problem,
    actor,
    workaround: str,
    public: bool = True,
    note: str = "",
    lock_version=None,
) -> Problem:
    """Make the problem a known error with its workaround, or update the workaround.

    The workaround reaches the desk on the known-errors page and, when the knowledge app
    offers it, as a knowledge record (created, or updated by a new version), published
    at once when the actor is also the knowledge curator. `public` lets end users find it.
    """
    problem = workflow.lock(problem, expected=lock_version, conflict=CONFLICT)
    workflow.require(problem_refusal(actor, problem, "publish_workaround"))
    workaround = _required(workaround, "workaround", _("Describe the workaround."))
    _transition(
        problem,
        actor,
        "publish_workaround",
        problem.publish_workaround,
        note=note,
        workaround=workaround,
        at=timezone.now(),
    )
    record_id = _knowledge_record_publish(problem=problem, actor=actor, public=public)
    if record_id and record_id != problem.knowledge_record_id:
        problem.knowledge_record_id = record_id
        Problem.objects.filter(pk=problem.pk).update(knowledge_record_id=record_id)
    return problem


def _knowledge_record_publish(*, problem, actor, public: bool) -> int:
    """The id of the knowledge record of the problem's workaround.

    Knowledge owns the contract (knowledge.services.record_upsert_from_problem: one
    record per problem, updated as new versions) and sits below problems: it takes
    plain values and knows nothing of problems; the problem keeps the record's id.
    """
    record = knowledge_services.record_upsert_from_problem(
        number=problem.number,
        title=problem.title,
        symptom=problem.description,
        cause=problem.root_cause,
        workaround=problem.workaround,
        category=problem.category,
        public=public,
        related_numbers=list(problem.work_orders.values_list("number", flat=True)),
        actor=actor,
        record_id=problem.knowledge_record_id,
    )
    return record.pk


@transaction.atomic
def problem_resolve(
    *, problem, actor, resolution: str, note: str = "", lock_version=None
) -> Problem:
    """Resolved (usually through a change); the linked work orders' requesters and
    engineers are told, each with a link to their own work order."""
    problem = workflow.lock(problem, expected=lock_version, conflict=CONFLICT)
    workflow.require(problem_refusal(actor, problem, "resolve"))
    resolution = _required(resolution, "resolution", _("Describe how the problem was fixed."))
    _transition(
        problem,
        actor,
        "resolve",
        problem.resolve,
        note=note,
        resolution=resolution,
        at=timezone.now(),
    )
    subject = _("Problem %(number)s resolved: %(title)s") % {
        "number": problem.number,
        "title": problem.title,
    }
    work_orders = problem.work_orders.select_related("requester", "assignee")
    notify_many(
        (
            [wo.requester, wo.assignee],
            f"[{wo.number}] {subject}",
            resolution,
            work_order_url(wo),
        )
        for wo in work_orders
    )
    return problem


@transaction.atomic
def problem_close(*, problem, actor, note: str = "", lock_version=None) -> Problem:
    problem = workflow.lock(problem, expected=lock_version, conflict=CONFLICT)
    workflow.require(problem_refusal(actor, problem, "close"))
    _transition(problem, actor, "close", problem.close, note=note, at=timezone.now())
    return problem


# --- root-cause analysis -------------------------------------------------------------


@transaction.atomic
def fishbone_cause_add(*, problem, actor, category: str, text: str) -> FishboneCause:
    """One cause line on one bone of the fishbone."""
    workflow.require(problem_refusal(actor, problem, "fishbone"))
    if category not in FishboneCategory.values:
        raise ValidationError({"category": _("Choose one of the six categories.")})
    cause = FishboneCause(
        problem=problem,
        category=category,
        text=_required(text, "text", _("Describe the cause.")),
        created_by=actor,
    )
    cause.full_clean()
    cause.save()
    _fishbone_logged(problem, actor=actor, operation="add", cause=cause)
    return cause


@transaction.atomic
def fishbone_cause_remove(*, cause: FishboneCause, actor) -> None:
    workflow.require(problem_refusal(actor, cause.problem, "fishbone"))
    _fishbone_logged(cause.problem, actor=actor, operation="delete", cause=cause)
    cause.delete()


def _fishbone_logged(problem, *, actor, operation: str, cause: FishboneCause) -> None:
    """The cause added or removed, on the problem's own history (the timeline reads the
    problem's entries; the cause's own auditlog rows never showed there)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(problem),
        object_pk=str(problem.pk),
        object_id=problem.pk,
        object_repr=str(problem)[:255],
        action=LogEntry.Action.UPDATE,
        # Shaped as auditlog writes a many-to-many change, which the timeline shows as ±.
        changes={"causes": {"type": "m2m", "operation": operation, "objects": [str(cause)]}},
        actor=actor if getattr(actor, "pk", None) else None,
    )
