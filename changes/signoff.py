"""Sign-off by an approver set, shared by changes (the CAB) and releases (authorisation).

Who may sign a slot, who is told a round is open, and how a round's rows are opened.
What a decision does to the change or release stays with each process's services.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from servicedesk.choices import Role
from servicedesk.roles import user_has_role


def signs_for(user, approval) -> bool:
    """A slot is signed by anyone holding its role, or by an approver of its body."""
    if approval.role:
        return user_has_role(user, approval.role)
    person = getattr(user, "person", None)
    return bool(
        user_has_role(user, Role.APPROVER)
        and person is not None
        and person.approval_body == approval.approval_body
    )


def slot_users(approvals, exclude=()):
    """Active users who may sign one of `approvals`, less `exclude` (the subject's own people)."""
    roles = {a.role for a in approvals if a.role}
    bodies = {a.approval_body for a in approvals if a.approval_body}
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=roles)
            | Q(groups__name=Role.APPROVER, person__approval_body__in=bodies)
        )
        .exclude(pk__in=[pk for pk in exclude if pk])
        .distinct()
    )


def open_round(model, *, approver_set, round: int, **subject):
    """One pending row of `model` per slot of `approver_set`, for `subject` (change=… or release=…)."""
    return model.objects.bulk_create(
        [
            model(
                **subject,
                round=round,
                slot_name=slot.name,
                role=slot.role,
                approval_body=slot.approval_body,
                order=slot.order,
            )
            for slot in approver_set.slots.all()
        ]
    )


def decision_refused(actor, approvals, refusal: str, *, awaiting: bool, own: bool) -> None:
    """Raise a decision's refusal (the process's approval_refusal message), if any.

    Not theirs to decide (their own subject, or no slot of theirs) is PermissionDenied
    (403); the rest (not awaiting a decision, decided already) a ValidationError (400)
    with the same message.
    """
    if not refusal:
        return
    outsider = not any(signs_for(actor, a) for a in approvals)
    if awaiting and (own or outsider):
        raise PermissionDenied(refusal)
    raise ValidationError(refusal, code="refused")
