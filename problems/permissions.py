"""Who may do what to a problem: per role and per object, checked inside the services.

The service supervisor owns problems: raises, moves, publishes workarounds, resolves and
closes them. Engineers take part in the analysis: they start the investigation, record
the root cause and the fishbone causes of any open problem. The desk reads problems and
the known errors (their workarounds are what it tells callers).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import OPEN_STATUSES

OWNER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
ANALYST_ROLES = (Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)
READER_ROLES = (Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)

ROLE_PERMISSIONS = {
    Role.SERVICE_DESK: ["problems.view_*"],
    Role.ENGINEER: [
        "problems.view_*",
        "problems.change_problem",
        "problems.add_fishbonecause",
        "problems.delete_fishbonecause",
    ],
    Role.SUPERVISOR: ["problems.*"],
    Role.MANAGER: ["problems.view_*"],
}


def _owner(user) -> bool:
    return user_has_role(user, *OWNER_ROLES)


def _analyst(user) -> bool:
    return user_has_role(user, *ANALYST_ROLES)


def _reader(user) -> bool:
    return user_has_role(user, *READER_ROLES)


_ALL = Q()
_OPEN = Q(status__in=OPEN_STATUSES)

# action → (role test, which problems, refusal message). Analysts act on open problems only.
RULES = {
    "view": (_reader, _ALL, _("Only IT staff can see problems.")),
    "create": (_owner, _ALL, _("Only a service supervisor can raise problems.")),
    "link": (_owner, _ALL, _("Only a service supervisor can link work orders to a problem.")),
    "investigate": (
        _analyst,
        _OPEN,
        _("Only engineers and supervisors can investigate problems."),
    ),
    "root_cause": (
        _analyst,
        _OPEN,
        _("Only engineers and supervisors can record the root cause."),
    ),
    "fishbone": (
        _analyst,
        _OPEN,
        _("Only engineers and supervisors can edit the fishbone of an open problem."),
    ),
    "publish_workaround": (
        _owner,
        _ALL,
        _("Only a service supervisor can publish a workaround."),
    ),
    "resolve": (_owner, _ALL, _("Only a service supervisor can resolve a problem.")),
    "close": (_owner, _ALL, _("Only a service supervisor can close a problem.")),
}


def problem_filter(user, action: str) -> Q | None:
    """The problems `user` may `action`, as a filter (None: none at all).

    The one rule behind Problem.objects.restrict(user, action), and so behind the lists,
    itsm.permissions.permits and problem_refusal.
    """
    test, condition, _message = RULES[action]
    return condition if test(user) else None


def problem_refusal(user, problem, action: str) -> str:
    """Why `user` may not `action` `problem` ("" when they may).

    `problem` None asks about creating one. The page calls this to show or hide a button,
    the service (through itsm.workflow.require) to refuse.
    """
    message = str(RULES[action][2])
    if problem is None or problem.pk is None:
        allowed = bool(getattr(user, "is_authenticated", False)) and (
            is_system_user(user) or user.is_superuser or RULES[action][0](user)
        )
        return "" if allowed else message
    return "" if permits(user, problem, action) else message
