"""Helpers shared by the emergency services."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.notifications import notify

from ..models import ProcessEntry


def _conflict():
    return _("This emergency was changed by someone else. Reload it and try again.")


def _refused(verb: str) -> str:
    # One wording per step, the status filled in by itsm.workflow.transition.
    return {
        "approve": _("An emergency that is “%(status)s” cannot be approved."),
        "reject": _("An emergency that is “%(status)s” cannot be rejected."),
        "activate": _("An emergency that is “%(status)s” cannot start its response."),
        "evaluate": _("An emergency that is “%(status)s” cannot be submitted for evaluation."),
        "next_round": _("An emergency that is “%(status)s” cannot start another round."),
        "close": _("An emergency that is “%(status)s” cannot be closed."),
    }[verb]


def confirmation_window() -> timedelta:
    """How long an oral approver has to confirm in writing (settings.ITSM, hours)."""
    return timedelta(hours=settings.ITSM.get("EMERGENCY_CONFIRMATION_HOURS", 24))


CONFIRMATION_REMIND_EVERY = timedelta(hours=4)


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def _tell(recipients, emergency, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{emergency.number}] {subject}",
        body=body or emergency.title,
        url=emergency.get_absolute_url(),
    )


def _entry(emergency, *, actor, text: str, kind: str = "action", at=None, **fields):
    return ProcessEntry.objects.create(
        emergency=emergency,
        round=emergency.round,
        at=at or timezone.now(),
        actor=actor,
        kind=kind,
        text=text,
        **fields,
    )


def _lock(emergency, lock_version):
    return workflow.lock(emergency, expected=lock_version, conflict=_conflict())


def _move(emergency, *, actor, name: str, method, refused: str, note: str = "", **kwargs):
    workflow.transition(
        emergency, actor=actor, name=name, method=method, refused=refused, note=note, **kwargs
    )
    _entry(emergency, actor=actor, kind="status", text=note or emergency.get_status_display())


def _information_centre_users():
    from django.contrib.auth import get_user_model

    from servicedesk.choices import ApprovalBody

    return list(
        get_user_model().objects.filter(
            is_active=True, person__approval_body=ApprovalBody.INFORMATION_CENTRE
        )
    )


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value
