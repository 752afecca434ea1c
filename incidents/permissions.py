"""Who may do what to a work order: per role and per object, checked inside the services."""

from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import Status

DESK_ROLES = (Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)
WORK_ROLES = (Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)

ROLE_PERMISSIONS = {
    Role.END_USER: ["incidents.add_workorder", "incidents.view_workorder"],
    Role.SERVICE_DESK: ["incidents.*", "servicedesk.view_category", "servicedesk.view_team"],
    Role.ENGINEER: [
        "incidents.view_*",
        "incidents.add_workorderevent",
        "incidents.add_attachment",
        "incidents.change_workorder",
        "servicedesk.view_category",
    ],
    Role.SUPERVISOR: ["incidents.*", "servicedesk.*category", "servicedesk.*team"],
    Role.MANAGER: ["incidents.view_*"],
    Role.APPROVER: [],
}


def _is_requester(user, work_order) -> bool:
    return work_order.requester_id == user.pk


def _is_assignee(user, work_order) -> bool:
    return work_order.assignee_id == user.pk


def _in_team(user, work_order) -> bool:
    if not work_order.team_id:
        return False
    team_ids = getattr(user, "_itsm_team_ids", None)
    if team_ids is None:
        team_ids = set(user.teams.values_list("pk", flat=True))
        user._itsm_team_ids = team_ids
    return work_order.team_id in team_ids


def can_view(user, work_order) -> bool:
    if user_has_role(user, Role.SERVICE_DESK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN):
        return True
    if user_has_role(user, Role.ENGINEER) and (
        _is_assignee(user, work_order) or _in_team(user, work_order)
    ):
        return True
    if _is_requester(user, work_order):
        return True
    return bool(
        user.has_perm("incidents.see_department_work_orders")
        and getattr(user, "person", None) is not None
        and user.person.department_id
        and user.person.department_id == work_order.department_id
    )


def _worker(user, work_order) -> bool:
    """Desk and supervisors work any order; engineers the ones assigned to them or their team."""
    if user_has_role(user, *DESK_ROLES):
        return True
    return user_has_role(user, Role.ENGINEER) and (
        _is_assignee(user, work_order) or _in_team(user, work_order)
    )


# action → (test, refusal message)
RULES = {
    "assign": (
        lambda u, w: (
            user_has_role(u, *DESK_ROLES)
            or (
                user_has_role(u, Role.ENGINEER)
                and (w.assignee_id in (None, u.pk) or _in_team(u, w))
            )
        ),
        _("Only the service desk or a supervisor can dispatch work orders."),
    ),
    "start": (
        _worker,
        _("Only the assigned engineer or the desk can start work on this work order."),
    ),
    "hold": (_worker, _("Only the assigned engineer or the desk can put this work order on hold.")),
    "resume": (_worker, _("Only the assigned engineer or the desk can resume this work order.")),
    "resolve": (_worker, _("Only the assigned engineer or the desk can resolve this work order.")),
    "escalate": (_worker, _("Only the assigned engineer can escalate this work order.")),
    "forward_to_manager": (
        lambda u, w: user_has_role(u, *DESK_ROLES),
        _("Only the service desk or a supervisor can escalate to the manager."),
    ),
    "reopen": (
        lambda u, w: _is_requester(u, w) or user_has_role(u, *DESK_ROLES),
        _("Only the requester or the desk can reopen this work order."),
    ),
    "confirm": (
        lambda u, w: _is_requester(u, w) or user_has_role(u, *DESK_ROLES),
        _("Only the requester can confirm the fix."),
    ),
    "close": (
        lambda u, w: user_has_role(u, *DESK_ROLES),
        _("Only the service desk can close a work order after the callback."),
    ),
    "cancel": (
        lambda u, w: (
            user_has_role(u, *DESK_ROLES) or (_is_requester(u, w) and w.status == Status.NEW)
        ),
        _("Only the requester (before dispatch) or the desk can cancel this work order."),
    ),
    "comment": (can_view, _("You cannot comment on this work order.")),
    "note": (
        lambda u, w: _worker(u, w) or user_has_role(u, Role.MANAGER),
        _("Only staff can add internal notes."),
    ),
    "reprioritise": (
        lambda u, w: user_has_role(u, *DESK_ROLES),
        _("Only the service desk or a supervisor can change the priority."),
    ),
    "triage": (
        lambda u, w: user_has_role(u, *DESK_ROLES),
        _("Only the service desk or a supervisor can correct what was reported."),
    ),
    "rate": (_is_requester, _("Only the requester can rate this work order.")),
    "complain": (
        lambda u, w: _is_requester(u, w) or user_has_role(u, *DESK_ROLES),
        _("Only the requester or the desk can file a complaint about this work order."),
    ),
    "callback": (
        lambda u, w: user_has_role(u, *DESK_ROLES),
        _("Only the service desk records callbacks."),
    ),
    "merge": (
        lambda u, w: user_has_role(u, *DESK_ROLES),
        _("Only the service desk can merge work orders."),
    ),
    "link": (
        lambda u, w: _worker(u, w) or user_has_role(u, Role.SUPERVISOR),
        _("You cannot link this work order."),
    ),
}


def allowed(user, action: str, work_order) -> bool:
    # The system actor acts on another process's authority (an emergency resolving its
    # child work orders after checking the team's right on the emergency), as in
    # itsm.permissions.RestrictedQuerySet.restrict.
    if is_system_user(user):
        return True
    test, _message = RULES[action]
    return bool(user.is_authenticated and test(user, work_order))


def refusal(action: str) -> str:
    return str(RULES[action][1])
