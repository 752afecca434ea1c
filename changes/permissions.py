"""Who may do what to a change: per role and per object, checked inside the services.

Engineers raise changes and implement the ones they own; the service supervisor is the
change manager (assesses, sends to the CAB, schedules, reviews, closes); approvers sign
for their body in the CAB (services.approval_refusal says who may sign now).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from itsm.permissions import permits
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


def _manager(user) -> bool:
    return user_has_role(user, *MANAGER_ROLES)


def _reader(user) -> bool:
    return user_has_role(user, *READER_ROLES)


def _author(user) -> bool:
    return user_has_role(user, *AUTHOR_ROLES)


def _engineer(user) -> bool:
    return user_has_role(user, Role.ENGINEER)


def _anyone(user) -> bool:
    """Anyone with an account may ask for a change (changes.requests)."""
    return bool(getattr(user, "is_authenticated", False))


# Who may act on which rows: (role test, rows a holder of that role may act on).
# A user may act on the union of the rows of the tests they pass; a manager on all.
_ALL = "all"
_REQUESTED_OR_OWNED = "requested_or_owned"
_OWNED = "owned"
# Their own requests (any account), and those not yet taken up by an implementer.
_REQUESTED = "requested"
_OWN_REQUEST = "own_request"

# action → ((role test, rows), …), refusal message
RULES = {
    "view": (
        ((_reader, _ALL), (_anyone, _REQUESTED)),
        _("Only IT staff and approvers can see changes."),
    ),
    "create": (((_author, _ALL),), _("Only engineers and supervisors can raise changes.")),
    # A request for change from an end user or the desk (changes.requests).
    "request": (((_anyone, _ALL),), _("Log in to request a change.")),
    "edit": (
        ((_manager, _ALL), (_author, _REQUESTED_OR_OWNED), (_anyone, _OWN_REQUEST)),
        _("Only the requester, the implementer or a supervisor can edit this change."),
    ),
    "submit": (
        ((_manager, _ALL), (_author, _REQUESTED_OR_OWNED), (_anyone, _OWN_REQUEST)),
        _("Only the requester or a supervisor can submit this change."),
    ),
    "triage": (
        ((_manager, _ALL),),
        _("Only the change manager (service supervisor) triages change requests."),
    ),
    "revise": (
        ((_manager, _ALL), (_author, _REQUESTED_OR_OWNED)),
        _("Only the requester or a supervisor can revise this change."),
    ),
    "assess": (
        ((_manager, _ALL),),
        _("Only the change manager (service supervisor) assesses changes."),
    ),
    "request_approval": (
        ((_manager, _ALL),),
        _("Only the change manager (service supervisor) sends changes to the CAB."),
    ),
    "schedule": (
        ((_manager, _ALL),),
        _("Only the change manager (service supervisor) schedules changes."),
    ),
    "start": (
        ((_manager, _ALL), (_engineer, _OWNED)),
        _("Only the implementer or a supervisor can start this change."),
    ),
    "complete": (
        ((_manager, _ALL), (_engineer, _OWNED)),
        _("Only the implementer or a supervisor can complete this change."),
    ),
    "fail": (
        ((_manager, _ALL), (_engineer, _OWNED)),
        _("Only the implementer or a supervisor can record a failure."),
    ),
    "roll_back": (
        ((_manager, _ALL), (_engineer, _OWNED)),
        _("Only the implementer or a supervisor can roll back."),
    ),
    "review": (
        ((_manager, _ALL),),
        _("Only the change manager (service supervisor) reviews changes."),
    ),
    "close": (
        ((_manager, _ALL),),
        _("Only the change manager (service supervisor) closes changes."),
    ),
    # The notice before the window: the hourly scan, as the system actor.
    "announce": (
        ((_manager, _ALL),),
        _("Only the change manager or the scheduler announces changes."),
    ),
}

# The people fields of each model that "requested or owned" and "owned" mean.
_PEOPLE = {
    "change": {
        _REQUESTED_OR_OWNED: ("requester", "owner"),
        _OWNED: ("owner",),
        _REQUESTED: ("requester",),
    },
    "release": {_REQUESTED_OR_OWNED: ("requester", "manager"), _OWNED: ("manager",)},
}


def _filter(rules, people, user, action: str) -> Q | None:
    condition = None
    for test, rows in rules[action][0]:
        if not test(user):
            continue
        if rows == _ALL:
            return Q()
        if rows == _OWN_REQUEST:
            # A request its requester still holds: not staff-raised, nobody implementing.
            part = Q(requester_id=user.pk, owner__isnull=True) & ~Q(raised_via="staff")
            condition = part if condition is None else condition | part
            continue
        part = Q()
        for i, name in enumerate(people[rows]):
            part = Q(**{f"{name}_id": user.pk}) if i == 0 else part | Q(**{f"{name}_id": user.pk})
        condition = part if condition is None else condition | part
    return condition


def _refusal(rules, user, obj, action: str) -> str:
    message = str(rules[action][1])
    if obj is None or obj.pk is None:
        allowed = (
            is_system_user(user)
            or user.is_superuser
            or any(test(user) for test, rows in rules[action][0] if rows == _ALL)
        )
        return "" if allowed else message
    return "" if permits(user, obj, action) else message


def change_filter(user, action: str) -> Q | None:
    """The changes `user` may `action`, as a filter (None: none at all): the one rule
    behind ChangeRequest.objects.restrict, itsm.permissions.permits and change_refusal."""
    return _filter(RULES, _PEOPLE["change"], user, action)


def change_refusal(user, change, action: str) -> str:
    """Why `user` may not `action` `change` ("" when they may); `change` None asks about
    raising one. Pages call it to show a button, services (workflow.require) to refuse.
    Signing for the CAB is services.approval_refusal."""
    return _refusal(RULES, user, change, action)


# --- releases ---------------------------------------------------------------------------
# Engineers plan, build and test their own releases; the service supervisor is the release
# manager's manager (edits, reschedules, cancels, closes any); whoever manages a release
# deploys it; approvers authorise through the release approver set
# (release_services.approval_refusal), never the requester or the release manager.

_RELEASE_AUTHOR = ((_manager, _ALL), (_author, _REQUESTED_OR_OWNED))

RELEASE_RULES = {
    "view": (((_reader, _ALL),), _("Only IT staff and approvers can see releases.")),
    "create": (((_author, _ALL),), _("Only engineers and supervisors can plan releases.")),
    "edit": (
        _RELEASE_AUTHOR,
        _("Only the requester, the release manager or a supervisor can edit this release."),
    ),
    "build": (
        _RELEASE_AUTHOR,
        _("Only the requester, the release manager or a supervisor can mark the build."),
    ),
    "test": (
        _RELEASE_AUTHOR,
        _("Only the requester, the release manager or a supervisor can record tests."),
    ),
    "revise": (
        _RELEASE_AUTHOR,
        _("Only the requester, the release manager or a supervisor can revise this release."),
    ),
    "deploy": (
        ((_manager, _ALL), (_author, _OWNED)),
        _("Only the release manager or a supervisor can deploy this release."),
    ),
    "reschedule": (((_manager, _ALL),), _("Only a supervisor can reschedule a release.")),
    "cancel": (((_manager, _ALL),), _("Only a supervisor can cancel a release.")),
    "close": (((_manager, _ALL),), _("Only a supervisor can close a release.")),
    "announce": (
        ((_manager, _ALL),),
        _("Only a supervisor or the scheduler announces releases."),
    ),
}


def release_filter(user, action: str) -> Q | None:
    """The releases `user` may `action`, as a filter (None: none at all): the one rule
    behind Release.objects.restrict, itsm.permissions.permits and release_refusal."""
    return _filter(RELEASE_RULES, _PEOPLE["release"], user, action)


def release_refusal(user, release, action: str) -> str:
    """Why `user` may not `action` `release` ("" when they may); `release` None asks about
    planning one. Authorising is release_services.approval_refusal."""
    return _refusal(RELEASE_RULES, user, release, action)
