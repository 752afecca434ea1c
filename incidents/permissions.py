"""Who may see and do what to a work order: one rule per action, written once.

Each action's rule is a database condition (`work_order_q(user, action)`) on top of the
visibility rule, so every action implies seeing the order. `WorkOrder.objects.restrict(user,
action)` filters lists with it; `itsm.permissions.permits` checks one order with the same
query; `work_order_refusal` turns a "no" into the action's reason, which the page shows
beside a greyed button and the services raise through `itsm.workflow.require`.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import Level3, Status

DESK_ROLES = (Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)
WORK_ROLES = (Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)
SEES_ALL_ROLES = (Role.SERVICE_DESK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
DEPARTMENT_PERMISSION = "incidents.see_department_work_orders"

ROLE_PERMISSIONS = {
    Role.END_USER: [
        "incidents.add_workorder",
        "incidents.view_workorder",
        "incidents.view_servicerecord",
    ],
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

# Conditions that hold for every row or for none. The rules combine them with any_of /
# all_of, which keep them as they are, so the desk's lists carry no filter at all and a
# role without access asks no query (WorkOrderQuerySet._restrict tests for them).
EVERY = Q(pk__isnull=False)
NONE = Q(pk__isnull=True)


def any_of(*conditions: Q) -> Q:
    if any(c is EVERY for c in conditions):
        return EVERY
    kept = [c for c in conditions if c is not NONE]
    return reduce(or_, kept) if kept else NONE


def all_of(*conditions: Q) -> Q:
    if any(c is NONE for c in conditions):
        return NONE
    kept = [c for c in conditions if c is not EVERY]
    return reduce(lambda a, b: a & b, kept) if kept else EVERY


def team_ids(user) -> set[int]:
    """The teams `user` belongs to, read once per request."""
    cached = getattr(user, "_itsm_team_ids", None)
    if cached is None:
        cached = set(user.teams.values_list("pk", flat=True))
        user._itsm_team_ids = cached
    return cached


def sees_all(user) -> bool:
    return user_has_role(user, *SEES_ALL_ROLES)


def _requester(user) -> Q:
    return Q(requester_id=user.pk)


def _desk(user) -> Q:
    return EVERY if user_has_role(user, *DESK_ROLES) else NONE


def _engineer_own(user) -> Q:
    """Orders assigned to this engineer or to one of their teams."""
    if not user_has_role(user, Role.ENGINEER):
        return NONE
    teams = team_ids(user)
    return any_of(Q(assignee_id=user.pk), Q(team_id__in=teams) if teams else NONE)


def _worker(user) -> Q:
    """Desk and supervisors work any order; engineers their own and their teams'."""
    return any_of(_desk(user), _engineer_own(user))


def _manager(user) -> Q:
    return EVERY if user_has_role(user, Role.MANAGER) else NONE


def _view(user) -> Q:
    if sees_all(user):
        return EVERY
    person = getattr(user, "person", None)
    department = (
        Q(department_id=person.department_id)
        if person is not None and person.department_id and user.has_perm(DEPARTMENT_PERMISSION)
        else NONE
    )
    return any_of(_requester(user), _engineer_own(user), department)


def _assign(user) -> Q:
    unassigned = Q(assignee__isnull=True) if user_has_role(user, Role.ENGINEER) else NONE
    return any_of(_desk(user), unassigned, _engineer_own(user))


@dataclass(frozen=True)
class Rule:
    condition: object  # user -> Q: the rows the user may act on (within what they see)
    refusal: str  # why not, in the user's language


RULES = {
    "view": Rule(lambda u: EVERY, _("You cannot see this work order.")),
    "assign": Rule(_assign, _("Only the service desk or a supervisor can dispatch work orders.")),
    "start": Rule(
        _worker, _("Only the assigned engineer or the desk can start work on this work order.")
    ),
    "hold": Rule(
        _worker, _("Only the assigned engineer or the desk can put this work order on hold.")
    ),
    "resume": Rule(
        _worker, _("Only the assigned engineer or the desk can resume this work order.")
    ),
    "resolve": Rule(
        _worker, _("Only the assigned engineer or the desk can resolve this work order.")
    ),
    "escalate": Rule(_worker, _("Only the assigned engineer can escalate this work order.")),
    "late": Rule(
        _worker,
        _("Only the assigned engineer (or the desk for them) can report being late."),
    ),
    "guidance": Rule(_desk, _("Only the service desk guides callers remotely.")),
    "forward_to_manager": Rule(
        _desk, _("Only the service desk or a supervisor can escalate to the manager.")
    ),
    "reopen": Rule(
        lambda u: any_of(_requester(u), _desk(u)),
        _("Only the requester or the desk can reopen this work order."),
    ),
    "confirm": Rule(
        lambda u: any_of(_requester(u), _desk(u)), _("Only the requester can confirm the fix.")
    ),
    "close": Rule(_desk, _("Only the service desk can close a work order after the callback.")),
    "cancel": Rule(
        lambda u: any_of(_desk(u), all_of(_requester(u), Q(status=Status.NEW))),
        _("Only the requester (before dispatch) or the desk can cancel this work order."),
    ),
    "comment": Rule(lambda u: EVERY, _("You cannot comment on this work order.")),
    "note": Rule(
        lambda u: any_of(_worker(u), _manager(u)),
        _("Only staff can add internal notes."),
    ),
    "reprioritise": Rule(
        _desk, _("Only the service desk or a supervisor can change the priority.")
    ),
    "triage": Rule(
        _desk, _("Only the service desk or a supervisor can correct what was reported.")
    ),
    "rate": Rule(_requester, _("Only the requester can rate this work order.")),
    "complain": Rule(
        lambda u: any_of(_requester(u), _desk(u)),
        _("Only the requester or the desk can file a complaint about this work order."),
    ),
    "callback": Rule(_desk, _("Only the service desk records callbacks.")),
    "merge": Rule(_desk, _("Only the service desk can merge work orders.")),
    "link": Rule(_worker, _("You cannot link this work order.")),
    "classify": Rule(_desk, _("Only the service desk or a supervisor records the service type.")),
    "service_record": Rule(
        _worker, _("Only the assigned engineer or the desk can write a service record.")
    ),
}


def work_order_q(user, action: str) -> Q:
    """The work orders `user` may `action`: what they see, narrowed by the action's rule.

    Called through `WorkOrder.objects.restrict(user, action)`, which has already dealt
    with the system actor, superusers and signed-out or disabled users.
    """
    rule = RULES[action]  # an unknown action is a programming error, not a "no"
    return all_of(_view(user), rule.condition(user))


def work_order_refusal(user, work_order, action: str) -> str:
    """Why `user` may not `action` this work order ("" when they may): one query."""
    return "" if permits(user, work_order, action) else str(RULES[action].refusal)


def _on_row(condition: Q, work_order) -> bool | None:
    """`condition` decided on the loaded row, or None when it needs the database.

    The rules' conditions are mostly equalities on the order's own columns (requester,
    assignee, team, status, department): read off the instance the page already holds,
    they save the page its permission query. Anything else is left to SQL.
    """
    if condition is EVERY or condition is NONE:
        return condition is EVERY
    if not isinstance(condition, Q) or condition.negated:
        return None
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            result = _on_row(child, work_order)
        else:
            lookup, value = child
            field, _sep, op = lookup.partition("__")
            field = _ROW_COLUMNS.get(field)
            if field is None or op not in ("", "in", "isnull"):
                return None
            if op == "in" and not isinstance(value, (set, frozenset, list, tuple)):
                return None  # a subquery: SQL's to answer
            current = getattr(work_order, field)
            if op == "in":
                result = current in value
            elif op == "isnull":
                result = (current is None) == bool(value)
            else:
                result = current is not None and current == value
        if result is None:
            return None
        results.append(result)
    return all(results) if condition.connector == Q.AND else any(results)


# The columns `_on_row` may read off the instance (what the rules compare), by lookup
# name; a relation is read by its key, never fetched.
_ROW_COLUMNS = {
    **{name: name for name in ("pk", "requester_id", "assignee_id", "team_id", "status")},
    "department_id": "department_id",
    "assignee": "assignee_id",
    "requester": "requester_id",
    "team": "team_id",
}


def work_order_refusals(user, work_order, actions=None, *, fresh=False) -> dict[str, str]:
    """`work_order_refusal` for many actions (the page's buttons): the same rules as
    `restrict`, in at most one query.

    Many rules come out as "every order" or "none" for a given user and need no database.
    With `fresh` (the caller read `work_order` in this request, as the page does), the
    conditions on the order's own columns are decided on the instance; what is left is
    asked once per distinct condition, in one query.
    """
    from django.db.models import Exists

    from .models import WorkOrder

    actions = list(RULES if actions is None else actions)
    if work_order is None or work_order.pk is None:
        return {action: str(RULES[action].refusal) for action in actions}
    if is_system_user(user):
        allowed = dict.fromkeys(actions, True)
    elif not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        allowed = dict.fromkeys(actions, False)
    elif user.is_superuser:
        allowed = dict.fromkeys(actions, True)
    else:
        conditions = {action: work_order_q(user, action) for action in actions}
        for action, condition in conditions.items():
            known = _on_row(condition, work_order) if fresh else None
            if known is not None:
                conditions[action] = EVERY if known else NONE
        distinct: list[Q] = []
        for condition in conditions.values():
            if condition is not EVERY and condition is not NONE and condition not in distinct:
                distinct.append(condition)
        flags = {}
        if distinct:
            row = WorkOrder.objects.filter(pk=work_order.pk)
            flags = (
                row.values("pk")
                .annotate(**{f"c{i}": Exists(row.filter(c)) for i, c in enumerate(distinct)})
                .first()
            ) or {}
        allowed = {
            action: condition is EVERY
            or (condition is not NONE and bool(flags.get(f"c{distinct.index(condition)}")))
            for action, condition in conditions.items()
        }
    return {a: "" if allowed[a] else str(RULES[a].refusal) for a in actions}


# --- service records (运行服务单): the work order's rule, per record action ------------

SERVICE_RECORD_RULES = {
    "view": Rule(lambda u: EVERY, _("You cannot see this service record.")),
    # Write, correct and resubmit the record, or record the user's paper signature.
    "write": Rule(
        _worker, _("Only the engineer on the work order or the desk can change this record.")
    ),
    "confirm": Rule(_requester, _("Only the served user confirms the record in the portal.")),
    "review": Rule(_desk, _("Only the service desk reviews service records.")),
}


def service_record_q(user, action: str) -> Q:
    """The service records `user` may `action`: those of the work orders the record
    action's rule allows on (through `ServiceRecord.objects.restrict`)."""
    from .models import WorkOrder

    rule = SERVICE_RECORD_RULES[action]
    condition = all_of(_view(user), rule.condition(user))
    if condition is EVERY:
        return Q()
    if condition is NONE:
        return Q(pk__isnull=True)
    return Q(work_order__in=WorkOrder.objects.filter(condition).values("pk"))


def service_record_refusal(user, record, action: str) -> str:
    """Why `user` may not `action` this service record ("" when they may): one query."""
    return "" if permits(user, record, action) else str(SERVICE_RECORD_RULES[action].refusal)


def service_record_refusals(user, record) -> dict[str, str]:
    """`service_record_refusal` for every record action in one query (the record's page)."""
    from django.db.models import Exists

    from .models import ServiceRecord

    row = ServiceRecord.objects.filter(pk=record.pk)
    flags = (
        row.values("pk")
        .annotate(**{f"may_{a}": Exists(row.restrict(user, a)) for a in SERVICE_RECORD_RULES})
        .first()
    ) or {}
    return {
        a: "" if flags.get(f"may_{a}") else str(rule.refusal)
        for a, rule in SERVICE_RECORD_RULES.items()
    }


def impact_refusal(actor, impact) -> str:
    """Why `actor` may not set this impact when filing ("" when they may).

    Impact (how many people and how much business is hit) is the staff's assessment; the
    reporter says how urgent it is for them. The web form offers end users urgency only,
    and the API applies the same rule here, so nobody files a P1 on demand.
    """
    if impact in (None, "", Level3.LOW):
        return ""
    if is_system_user(actor) or actor.is_superuser or user_has_role(actor, *WORK_ROLES):
        return ""
    return str(_("Only the service desk assesses the impact; describe who is affected instead."))


def filing_refusal(actor, requester) -> str:
    """Why `actor` may not file a fault for `requester` ("" when they may)."""
    if actor is not None and is_system_user(actor):
        return ""  # mail intake and imports record what people sent
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return str(_("Sign in to report a fault."))
    if requester is not None and requester.pk != actor.pk and not user_has_role(actor, *DESK_ROLES):
        return str(_("Only the service desk can report a fault on someone else's behalf."))
    return ""


COMPLAINT_ROLES = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


def complaint_handlers() -> list[str]:
    """The names of the people who handle complaints (supervisors and managers), one query."""
    from django.contrib.auth import get_user_model

    rows = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.SUPERVISOR, Role.MANAGER])
        .values_list("person__name", "username")
        .distinct()
        .order_by("person__name", "username")
    )
    return list(dict.fromkeys(name or username for name, username in rows))


def may_handle_complaints(user) -> bool:
    """Without naming who can (`complaint_handle_refusal` reads their names)."""
    return user is not None and user_has_role(user, *COMPLAINT_ROLES)


def complaint_handle_refusal(user) -> str:
    """Why `user` may not handle complaints ("" when they may), naming who can."""
    if may_handle_complaints(user):
        return ""
    names = complaint_handlers()
    if not names:
        return str(_("Complaints are handled by the service supervisor or the project manager."))
    return str(
        _(
            "Complaints are handled by the service supervisor or the project manager: "
            "%(names)s. Pass the complaint on to them."
        )
        % {"names": ", ".join(names)}
    )
