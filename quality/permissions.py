"""Who may see and do what in quality management: one row rule per model, one refusal
function per action (pages show or grey a button with it, services refuse with it).

Surveys and their results belong to the quality roles (the service supervisor, the
project manager who also leads quality, the administrators); an end user sees only their
own invitations. The weekly review is the service team's meeting: the whole team reads it,
the quality roles keep it, and an action's owner marks their own action done."""

from django.utils.translation import gettext as _

from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_has_role

from .choices import ActionStatus

ROLE_PERMISSIONS = {
    Role.END_USER: ["quality.view_invitation"],
    Role.SERVICE_DESK: [
        "quality.view_invitation",
        "quality.view_weeklyreview",
        "quality.view_reviewitem",
        "quality.view_improvementaction",
    ],
    Role.ENGINEER: [
        "quality.view_invitation",
        "quality.view_weeklyreview",
        "quality.view_reviewitem",
        "quality.view_improvementaction",
    ],
    Role.SUPERVISOR: ["quality.*"],
    Role.MANAGER: ["quality.*"],
    Role.APPROVER: ["quality.view_invitation"],
}

QUALITY_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def is_quality_role(user) -> bool:
    return user_has_role(user, *QUALITY_ROLES)


def round_rows(qs, user, action: str):
    """Survey rounds: seen and run by the quality roles only."""
    return qs if is_quality_role(user) else qs.none()


def results_rows(qs, user, action: str):
    """Responses (anonymous answers): read by the quality roles only, and only aggregated."""
    return qs if action == "view" and is_quality_role(user) else qs.none()


def invitation_rows(qs, user, action: str):
    """Invitations: the quality roles see all; everyone else their own. Only the invited
    person answers, while the round is open and they have not answered yet."""
    if action == "answer":
        from .choices import RoundStatus

        return qs.filter(user=user, round__status=RoundStatus.OPEN, answered_at__isnull=True)
    if action == "view" and is_quality_role(user):
        return qs
    return qs.filter(user=user) if action == "view" else qs.none()


def review_rows(qs, user, action: str):
    """Weekly reviews: the service team reads them, the quality roles keep them."""
    if action == "view":
        return qs if is_staff_role(user) else qs.none()
    return qs if is_quality_role(user) else qs.none()


def action_rows(qs, user, action: str):
    """Improvement actions: read with their review; done by their owner or a quality role."""
    if action == "view":
        return qs if is_staff_role(user) else qs.none()
    if action == "complete":
        qs = qs.filter(status=ActionStatus.OPEN)
        return qs if is_quality_role(user) else qs.filter(owner=user)
    return qs if is_quality_role(user) else qs.none()


def survey_refusal(user) -> str:
    """May `user` create and run survey rounds and read their results?"""
    if is_quality_role(user):
        return ""
    return _("Only the service supervisor or the project manager runs satisfaction surveys.")


def round_refusal(user, survey_round, action: str) -> str:
    if permits(user, survey_round, action):
        return ""
    return survey_refusal(user) or _("You cannot see this survey round.")


def invitation_refusal(user, invitation, action: str = "answer") -> str:
    if action == "answer":
        from .choices import RoundStatus

        if invitation.user_id != user.pk:
            return _("This invitation is for someone else.")
        if invitation.answered_at is not None:
            return _("You have already answered this survey. Thank you!")
        if invitation.round.status != RoundStatus.OPEN:
            return _("This survey is not open for answers.")
    if permits(user, invitation, action):
        return ""
    return _("You cannot see this invitation.")


def review_refusal(user, review=None, action: str = "change") -> str:
    """Who keeps the weekly review (create, list items, record causes, add actions)."""
    if review is None:
        if is_quality_role(user):
            return ""
    elif permits(user, review, action):
        return ""
    if action == "view":
        return _("You cannot see this weekly review.")
    return _("Only the service supervisor or the project manager keeps the weekly review.")


def action_refusal(user, improvement, action: str = "complete") -> str:
    if action == "complete" and improvement.status != ActionStatus.OPEN:
        return _("This action is already done.")
    if permits(user, improvement, action):
        return ""
    if action == "complete":
        return _("Only the action's owner, the supervisor or the project manager marks it done.")
    return _("You cannot see this action.")
