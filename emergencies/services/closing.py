"""Outages, the evaluation of each round, and closing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.choices import OutageSource
from cmdb.models import ServiceOutage
from cmdb.services.outages import outage_record_from, outages_end_from
from incidents import services as incident_services
from incidents.choices import OPEN_STATUSES as WORK_ORDER_OPEN
from incidents.choices import Status as WorkOrderStatus
from itsm import workflow
from itsm.actors import system_user

from ..choices import (
    UPDATE_EVERY,
    Outcome,
    Status,
)
from ..models import Emergency, Evaluation, FollowUpTask
from ..permissions import emergency_refusal
from ._common import _entry, _lock, _move, _name, _refused, _tell, _text
from .response import _resolve_children_and_parent

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
) -> ServiceOutage:
    """Outage of one affected service (start, end, cause), kept in cmdb's one outage table
    with this emergency's number as its source: availability reads it."""
    emergency = _lock(emergency, None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if not (service_name or "").strip() and service is None:
        service = emergency.service  # the service it was declared for
    if not (service_name or "").strip() and service is None:
        raise ValidationError({"service_name": _("Name the service that was down.")})
    try:
        outage = outage_record_from(
            source=OutageSource.EMERGENCY,
            source_number=emergency.number,
            actor=actor,
            service=service,
            service_name=service_name,
            started_at=started_at,
            ended_at=ended_at,
            cause=cause,
        )
    except ValidationError as error:
        # The page's form calls the field service_name.
        errors = error.message_dict
        raise ValidationError(
            {("service_name" if k == "service" else k): v for k, v in errors.items()}
        ) from error
    _entry(
        emergency,
        actor=actor,
        kind="outage",
        text=_("Outage recorded: %(service)s") % {"service": outage.service_name},
    )
    return outage


@transaction.atomic
def outage_end(*, outage, actor, ended_at=None) -> ServiceOutage:
    """An outage of this emergency ends (now unless given)."""
    outage = ServiceOutage.objects.select_for_update().get(pk=outage.pk)
    emergency = Emergency.objects.get(number=outage.source_number)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    ended_at = ended_at or timezone.now()
    if ended_at < outage.started_at:
        raise ValidationError({"ended_at": _("The outage cannot end before it started.")})
    outage.ended_at = ended_at
    workflow.save(outage, update_fields=["ended_at", "updated_at"])
    return outage


# --- evaluation and closing --------------------------------------------------------------------


@transaction.atomic
def emergency_submit_for_evaluation(*, emergency, actor, lock_version=None) -> Emergency:
    emergency = _lock(emergency, lock_version)
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
    lock_version=None,
) -> Evaluation:
    """The 应急流程评估单 of the current round.

    met → ready to close; not met → another round (a linked problem is opened as well when
    `problem_title` is given), or a new problem, or a new change (raised as an emergency
    change and linked). `follow_ups` are (description, assignee) pairs.
    """
    from problems.services import problem_create

    emergency = _lock(emergency, lock_version)
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
        from ..resource_services import emergency_change_raise

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
    # A child someone is working on its own (dispatched, in progress or on hold) must be
    # finished or handed back first; the others are resolved with the parent on closing.
    working = list(
        emergency.work_order.children.filter(
            status__in=[
                WorkOrderStatus.ASSIGNED,
                WorkOrderStatus.IN_PROGRESS,
                WorkOrderStatus.ON_HOLD,
            ]
        ).values_list("number", flat=True)
    )
    if working:
        return _("Child work orders still being worked separately: %(numbers)s.") % {
            "numbers": ", ".join(working)
        }
    return ""


@transaction.atomic
def emergency_close(
    *, emergency, actor, result: str, configuration_manager=None, lock_version=None
) -> Emergency:
    """Close after the evaluation: the result and the linked form numbers go onto the
    originating work order, the parent and its children are resolved if still open, and a
    task asks the configuration manager to register new or changed CIs."""
    emergency = _lock(emergency, lock_version)
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
    outages_end_from(
        source=OutageSource.EMERGENCY, source_number=emergency.number, actor=actor, at=now
    )
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
