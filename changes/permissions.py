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
    Role.SERVICE_DESK: [
        "changes.view_changerequest",
        "changes.view_freezeperiod",
        "changes.view_release",
    ],
    Role.ENGINEER: [
        "changes.view_*",
        "changes.add_changerequest",
        "changes.change_changerequest",
        "changes.add_release",
        "changes.change_release",
        "changes.add_releasetestrecord",
    ],
    Role.SUPERVISOR: ["changes.*"],
    Role.APPROVER: [
        "changes.view_changerequest",
        "changes.view_approval",
        "changes.change_approval",
        "changes.view_freezeperiod",
        "changes.view_release",
        "changes.view_releaseapproval",
        "changes.change_releaseapproval",
        "changes.view_releasetestrecord",
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


# --- releases ---------------------------------------------------------------------------
# Engineers plan, build and test their own releases; the service supervisor is the release
# manager's manager (edits, reschedules, cancels, closes any); whoever manages a release
# deploys it; approvers authorise through the release approver set
# (release_services.approval_slot_for), never the requester or the release manager.


def _release_author(user, release=None) -> bool:
    if release is None:
        return user_has_role(user, *AUTHOR_ROLES)
    return _manager(user) or (
        user_has_role(user, *AUTHOR_ROLES) and user.pk in (release.requester_id, release.manager_id)
    )


def _release_deployer(user, release) -> bool:
    return _manager(user) or (user_has_role(user, *AUTHOR_ROLES) and release.manager_id == user.pk)


RELEASE_RULES = {
    "create": (_release_author, _("Only engineers and supervisors can plan releases.")),
    "edit": (
        _release_author,
        _("Only the requester, the release manager or a supervisor can edit this release."),
    ),
    "build": (
        _release_author,
        _("Only the requester, the release manager or a supervisor can mark the build."),
    ),
    "test": (
        _release_author,
        _("Only the requester, the release manager or a supervisor can record tests."),
    ),
    "revise": (
        _release_author,
        _("Only the requester, the release manager or a supervisor can revise this release."),
    ),
    "deploy": (
        _release_deployer,
        _("Only the release manager or a supervisor can deploy this release."),
    ),
    "reschedule": (_manager, _("Only a supervisor can reschedule a release.")),
    "cancel": (_manager, _("Only a supervisor can cancel a release.")),
    "close": (_manager, _("Only a supervisor can close a release.")),
}


def release_allowed(user, action: str, release=None) -> bool:
    test, _message = RELEASE_RULES[action]
    return bool(user.is_authenticated and test(user, release))


def release_refusal(action: str) -> str:
    return str(RELEASE_RULES[action][1])
