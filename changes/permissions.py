"""Who may do what to a change: per role and per object, checked inside the services.

Engineers raise changes and implement the ones they own; the service supervisor is the
change manager (assesses, sends to the CAB, schedules, reviews, closes); approvers sign
for their body in the CAB (which slot a user may sign is services.approval_slot_for).
"""

from django.utils.translation import gettext_lazy as _

from servicedesk.choices import Role
from servicedesk.roles import user_has_role

MANAGER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
AUTHOR_ROLES = (Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)
READER_ROLES = (
    Role.SERVICE_DESK,
    Role.ENGINEER,
    Role.SUPERVISOR,
    Role.APPROVER,
    Role.MANAGER,
    Role.ADMIN,
)

ROLE_PERMISSIONS = {
    Role.SERVICE_DESK: ["changes.view_changerequest", "changes.view_freezeperiod"],
    Role.ENGINEER: [
        "changes.view_*",
        "changes.add_changerequest",
        "changes.change_changerequest",
    ],
    Role.SUPERVISOR: ["changes.*"],
    Role.APPROVER: [
        "changes.view_changerequest",
        "changes.view_approval",
        "changes.change_approval",
        "changes.view_freezeperiod",
    ],
    Role.MANAGER: ["changes.view_*"],
}


def can_view(user) -> bool:
    return bool(user.is_authenticated and user_has_role(user, *READER_ROLES))


def _manager(user, change=None) -> bool:
    return user_has_role(user, *MANAGER_ROLES)


def _author(user, change=None) -> bool:
    if change is None:
        return user_has_role(user, *AUTHOR_ROLES)
    return _manager(user) or (
        user_has_role(user, *AUTHOR_ROLES) and user.pk in (change.requester_id, change.owner_id)
    )


def _implementer(user, change) -> bool:
    return _manager(user) or (user_has_role(user, Role.ENGINEER) and change.owner_id == user.pk)


# action → (test(user, change or None), refusal message)
RULES = {
    "create": (_author, _("Only engineers and supervisors can raise changes.")),
    "edit": (
        _author,
        _("Only the requester, the implementer or a supervisor can edit this change."),
    ),
    "submit": (_author, _("Only the requester or a supervisor can submit this change.")),
    "revise": (_author, _("Only the requester or a supervisor can revise this change.")),
    "assess": (_manager, _("Only the change manager (service supervisor) assesses changes.")),
    "request_approval": (
        _manager,
        _("Only the change manager (service supervisor) sends changes to the CAB."),
    ),
    "preapprove": (
        _manager,
        _("Only the change manager (service supervisor) approves standard changes."),
    ),
    "schedule": (_manager, _("Only the change manager (service supervisor) schedules changes.")),
    "start": (_implementer, _("Only the implementer or a supervisor can start this change.")),
    "complete": (_implementer, _("Only the implementer or a supervisor can complete this change.")),
    "fail": (_implementer, _("Only the implementer or a supervisor can record a failure.")),
    "roll_back": (_implementer, _("Only the implementer or a supervisor can roll back.")),
    "review": (_manager, _("Only the change manager (service supervisor) reviews changes.")),
    "close": (_manager, _("Only the change manager (service supervisor) closes changes.")),
}


def allowed(user, action: str, change=None) -> bool:
    test, _message = RULES[action]
    return bool(user.is_authenticated and test(user, change))


def refusal(action: str) -> str:
    return str(RULES[action][1])
