"""The one way a record moves through its process.

Every process service that changes a record's status or content goes through here:

    with transaction.atomic():
        record = workflow.lock(record, expected=lock_version, conflict=_("This plan …"))
        workflow.require(plan_refusal(actor, record, "approve"))      # the one refusal function
        workflow.transition(record, actor=actor, name="approve", method=record.approve,
                            refused=_("A plan that is “%(status)s” cannot be approved."))
        workflow.after_commit(send_plan_mail.delay, record.pk)

`lock` reads the row again under SELECT … FOR UPDATE and compares its `lock_version` with
the one the user's page or API call carried; `transition` fires the django_fsm method,
saves with a new `lock_version` and writes the log row (TransitionLog unless the process
keeps its own timeline); `after_commit` hands side effects to Celery once the data is
committed, and never lets a broker outage turn a saved write into a 500 (the outbox and
the periodic sweeps deliver what the hand-off could not).

Errors: `Conflict` (someone else acted first) and `IllegalTransition` (the state machine
does not allow the step now). Both map to HTTP 409 in the API and to a "reload" message on
pages; each process passes its own wording, none defines its own classes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

logger = logging.getLogger(__name__)

LOCK_FIELD = "lock_version"


class LockVersioned(models.Model):
    """Optimistic-lock counter: every saved write through the pipeline increments it.

    Pages carry it in a hidden field, API clients send it back; a write whose counter
    is stale is refused with `Conflict` instead of overwriting what someone else did.
    """

    lock_version = models.PositiveIntegerField(_("lock version"), default=1, editable=False)

    class Meta:
        abstract = True


class Conflict(Exception):
    """The record changed since the user read it: reload and try again (API: 409)."""

    default_message = _(
        "This record was changed by someone else in the meantime. Reload it and try again."
    )

    def __init__(self, message=None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)

    @property
    def messages(self) -> list[str]:
        return [self.message]


class IllegalTransition(ValidationError):
    """The state machine does not allow this step from the current status (API: 409).

    A ValidationError too, so a form shows it as a non-field error.
    """


def require(refusal: str | None) -> None:
    """Raise PermissionDenied with `refusal` when there is one.

    Every action has one refusal function `<thing>_refusal(user, obj, action) -> str`
    ("" when allowed): the page calls it to show or grey a button with its reason, the
    service calls it through here to refuse. One rule, two callers.
    """
    if refusal:
        raise PermissionDenied(refusal)


def lock(instance, *, expected: int | None, conflict=None):
    """`instance` read again under SELECT … FOR UPDATE (call inside `transaction.atomic`).

    `expected` is the `lock_version` the caller saw; None means "whatever is current"
    (system jobs, which act on what they just read under the same lock). A mismatch raises
    `Conflict(conflict)`.
    """
    # of=self: lock this row only, also when the manager joins related rows (PostgreSQL
    # refuses FOR UPDATE on the nullable side of an outer join).
    current = type(instance)._default_manager.select_for_update(of=("self",)).get(pk=instance.pk)
    if expected is not None and int(expected) != getattr(current, LOCK_FIELD):
        raise Conflict(conflict)
    return current


def save(instance, **kwargs) -> None:
    """Save `instance` with a new `lock_version` (pages holding the old one now conflict)."""
    setattr(instance, LOCK_FIELD, getattr(instance, LOCK_FIELD) + 1)
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        kwargs["update_fields"] = {*update_fields, LOCK_FIELD}
    instance.save(**kwargs)


def log_transition(subject, *, name: str, source: str, target: str, actor=None, note: str = ""):
    """The default log step: one TransitionLog row, read by the audit timeline."""
    from .services import transition_record

    return transition_record(
        subject=subject, transition=name, source=source, target=target, actor=actor, note=note
    )


def transition(
    subject,
    *,
    actor,
    name: str,
    method: Callable,
    refused: str,
    note: str = "",
    status_field: str = "status",
    log: Callable | None = log_transition,
    save_kwargs: dict | None = None,
    **kwargs,
) -> str:
    """Fire `method(**kwargs)`, save with a new lock_version and log the step.

    `refused` is the process's "a … that is “%(status)s” cannot do this" wording; an
    illegal step raises it as IllegalTransition and changes nothing. `log` receives
    (subject, name=, source=, target=, actor=, note=); pass the process's own timeline
    writer, or None when the caller logs itself. Returns the source status.
    """
    source = getattr(subject, status_field)
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:
        display = getattr(subject, f"get_{status_field}_display", lambda: source)()
        raise IllegalTransition(refused % {"status": display}, code="illegal") from exc
    save(subject, **(save_kwargs or {}))
    if log is not None:
        log(
            subject,
            name=name,
            source=source,
            target=getattr(subject, status_field),
            actor=actor,
            note=note,
        )
    return source


def after_commit(function: Callable, *args, **kwargs) -> None:
    """Run `function(*args, **kwargs)` once the transaction commits, never failing the request.

    For hand-offs to Celery (`task.delay`) and other side effects whose delivery a periodic
    sweep guarantees anyway: if the broker is down the write is still saved and the user
    gets their answer, not a 500 that makes them submit it twice.
    """

    def run():
        try:
            function(*args, **kwargs)
        except Exception:  # a side effect must not undo the answer to a committed write
            logger.exception(
                "after-commit hand-off %r failed; the periodic sweep retries", function
            )

    transaction.on_commit(run)
