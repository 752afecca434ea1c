"""Who may do what to a problem: per role and per object, checked inside the services.

The service supervisor owns problems: raises, moves, publishes workarounds, resolves and
closes them. Engineers take part in the analysis: they start the investigation, record
the root cause and the fishbone causes of any open problem. The desk reads problems and
the known errors (their workarounds are what it tells callers).
"""

from django.utils.translation import gettext_lazy as _

from servicedesk.choices import Role
from servicedesk.roles import user_has_role

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


def can_view(user) -> bool:
    return bool(user.is_authenticated and user_has_role(user, *READER_ROLES))


def _owner(user, problem) -> bool:
    return user_has_role(user, *OWNER_ROLES)


def _analyst(user, problem) -> bool:
    return user_has_role(user, *ANALYST_ROLES) and (problem is None or problem.is_open)


# action → (test(user, problem or None), refusal message)
RULES = {
    "create": (_owner, _("Only a service supervisor can raise problems.")),
    "edit": (_owner, _("Only a service supervisor can edit problems.")),
    "link": (_owner, _("Only a service supervisor can link work orders to a problem.")),
    "investigate": (_analyst, _("Only engineers and supervisors can investigate problems.")),
    "root_cause": (_analyst, _("Only engineers and supervisors can record the root cause.")),
    "fishbone": (
        _analyst,
        _("Only engineers and supervisors can edit the fishbone of an open problem."),
    ),
    "publish_workaround": (_owner, _("Only a service supervisor can publish a workaround.")),
    "resolve": (_owner, _("Only a service supervisor can resolve a problem.")),
    "close": (_owner, _("Only a service supervisor can close a problem.")),
}


def allowed(user, action: str, problem=None) -> bool:
    test, _message = RULES[action]
    return bool(user.is_authenticated and test(user, problem))


def refusal(action: str) -> str:
    return str(RULES[action][1])
