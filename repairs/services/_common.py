"""Helpers shared by the repair services: timeline rows, the desk's recipients, links."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from itsm.services import transition_record
from servicedesk.choices import ApprovalBody, Role


def log_create(subject, actor, note: str = "") -> None:
    transition_record(
        subject=subject, transition="create", source="", target=getattr(subject, "status", ""),
        actor=actor, note=note,
    )  # fmt: skip


def log_step(subject, actor, name: str, note: str = "") -> None:
    """A step that does not change the status, on the same timeline."""
    status = getattr(subject, "status", "")
    transition_record(
        subject=subject, transition=name, source=status, target=status, actor=actor, note=note
    )


def required(text, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def not_in_future(moment, field: str):
    """`moment` (a datetime, default now) must not lie in the future."""
    now = timezone.now()
    if moment is None:
        return now
    if moment > now + timedelta(minutes=1):
        raise ValidationError({field: _("This time lies in the future.")})
    return moment


def not_in_past(day, field: str):
    if day is not None and day < timezone.localdate():
        raise ValidationError({field: _("This date lies in the past.")})
    return day


def users_with_role(*roles):
    return list(
        get_user_model().objects.filter(is_active=True, groups__name__in=[str(r) for r in roles])
        .select_related("person").distinct()
    )  # fmt: skip


def desk_users():
    return users_with_role(Role.SERVICE_DESK)


def supervisors():
    return users_with_role(Role.SUPERVISOR)


def information_department():
    """The information department's approvers, who receive in-warranty progress reports."""
    return list(
        get_user_model().objects.filter(
            is_active=True, groups__name=Role.APPROVER,
            person__approval_body=ApprovalBody.INFORMATION_CENTRE,
        ).distinct()
    )  # fmt: skip


def person_name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


__all__ = ["workflow"]
