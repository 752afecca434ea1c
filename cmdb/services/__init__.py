"""Writes to the CMDB, and the impact analysis other processes call.

Every write goes through here so that accessories follow their parent and each change
lands on the item's audit timeline (django-auditlog, with an optional reason such as
the work order or change number that caused it).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from servicedesk.models import Department, ServiceLevel

from ..choices import IMPACT_FLOWS_TO_SOURCE, IMPACT_FLOWS_TO_TARGET
from ..models import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser

# Keeps every `IN (…)` list well under SQLite's and PostgreSQL's parameter limits.
_CHUNK = 2000


# --- Items ------------------------------------------------------------------------------


@transaction.atomic
def ci_create(*, reason: str = "", users: Iterable | None = None, **fields) -> ConfigurationItem:
    """A validated new item (attributes checked against its class); logged on its timeline.

    An accessory created under a parent takes the parent's location, department and
    responsible user unless given.
    """
    ci = ConfigurationItem(**fields)
    if ci.parent_id:
        for name in ConfigurationItem.FOLLOWS_PARENT:
            if getattr(ci, f"{name}_id") is None:
                setattr(ci, f"{name}_id", getattr(ci.parent, f"{name}_id"))
    ci._change_reason = reason
    ci.full_clean()
    ci.save()
    if users:
        ci.users.set(users)
    return ci


@transaction.atomic
def ci_update(
    *, ci: ConfigurationItem, reason: str = "", users: Iterable | None = None, **changes
) -> ConfigurationItem:
    """Apply `changes` to `ci`, validate, save; accessories follow a move (see ci_save)."""
    for name, value in changes.items():
        setattr(ci, name, value)
    ci_save(ci=ci, reason=reason)
    if users is not None:
        ci.users.set(users)
    return ci


@transaction.atomic
def ci_save(*, ci: ConfigurationItem, reason: str = "") -> ConfigurationItem:
    """Validate and save `ci` (new or changed); guarantees accessories move with it.

    When the item's location, department or responsible user changed, every accessory
    below it (children, their children…) gets the same values, each saved on its own so
    the move shows on the accessory's timeline too.
    """
    before = None
    if ci.pk:
        before = (
            ConfigurationItem.objects.filter(pk=ci.pk)
            .values(*(f"{name}_id" for name in ConfigurationItem.FOLLOWS_PARENT))
            .first()
        )
    ci._change_reason = reason
    ci.full_clean()
    ci.save()
    if before is not None:
        moved = {
            f"{name}_id": getattr(ci, f"{name}_id")
            for name in ConfigurationItem.FOLLOWS_PARENT
            if before[f"{name}_id"] != getattr(ci, f"{name}_id")
        }
        if moved:
            _accessories_follow(parent=ci, values=moved, reason=reason)
    return ci


def _accessories_follow(*, parent: ConfigurationItem, values: dict, reason: str) -> None:
    frontier, seen = [parent.pk], {parent.pk}
    while frontier:
        children = list(ConfigurationItem.objects.filter(parent_id__in=frontier))
        frontier = []
        for child in children:
            if child.pk in seen:  # a corrupted cycle must not loop
                continue
            seen.add(child.pk)
            frontier.append(child.pk)
            changed = [k for k, v in values.items() if getattr(child, k) != v]
            if changed:
                for name in changed:
                    setattr(child, name, values[name])
                child._change_reason = reason
                child.save(update_fields=[name.removesuffix("_id") for name in changed])


def relationship_create(
    *, source: ConfigurationItem, target: ConfigurationItem, type: str, note: str = ""
) -> CIRelationship:
    """A validated typed link "source <type> target" (unique per pair and type)."""
    relationship = CIRelationship(source=source, target=target, type=type, note=note)
    relationship.full_clean()
    relationship.save()
    return relationship


# --- Impact -----------------------------------------------------------------------------


@dataclass
class ImpactEdge:
    """The failure of `from_id` reaches `to_id` through a relationship of `type`."""

    from_id: int
    to_id: int
    type: str


@dataclass
class Impact:
    """What is affected when `ci` fails.

    items: every item that depends on `ci`, directly or through others (not `ci` itself),
        nearest first; `depth[item.pk]` is the number of hops.
    users: responsible users and named users of `ci` and of the impacted items, highest
        effective service level first (VIPs first), then by name.
    departments: departments of those items and of those users.
    service_levels: the distinct effective levels among items and users, highest first.
    edges: the relationships the failure travels along (for the graph).
    """

    ci: ConfigurationItem
    items: list = field(default_factory=list)
    users: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    service_levels: list = field(default_factory=list)
    depth: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)

    def user_level(self, user):
        return _user_level(user)


def impacted_ids(*, ci_id: int, max_depth: int | None = None) -> tuple[dict, list]:
    """{item id: depth} of everything that depends on `ci_id`, and the edges followed.

    Breadth first, one query per level of the graph (SQLite: per 2,000 frontier items):
    the relationships whose far end is on the frontier, in the direction failure travels
    for their type (cmdb.choices.IMPACT_FLOWS_TO_SOURCE / _TO_TARGET). Items already
    reached are never expanded again, so cycles end.
    """
    depth = {ci_id: 0}
    edges: list[ImpactEdge] = []
    frontier = [ci_id]
    level = 0
    while frontier and (max_depth is None or level < max_depth):
        level += 1
        next_frontier = []
        for failed, reached, rel_type in _failure_steps(frontier):
            if reached not in depth:
                depth[reached] = level
                next_frontier.append(reached)
                edges.append(ImpactEdge(failed, reached, rel_type))
            elif depth[reached] == level:
                edges.append(ImpactEdge(failed, reached, rel_type))
        frontier = next_frontier
    del depth[ci_id]
    return depth, edges


_STEP_SQL = """
    SELECT target_id, source_id, type FROM {table}
     WHERE target_id = ANY(%s) AND type = ANY(%s)
    UNION ALL
    SELECT source_id, target_id, type FROM {table}
     WHERE source_id = ANY(%s) AND type = ANY(%s)
"""


def _failure_steps(frontier: list[int]):
    """(failed id, reached id, type) for every relationship leaving the frontier items.

    Each half of the query uses its own index: (target_id, type) and the unique
    (source_id, target_id, type). PostgreSQL takes the frontier as one array parameter.
    """
    to_source = [str(t) for t in IMPACT_FLOWS_TO_SOURCE]
    to_target = [str(t) for t in IMPACT_FLOWS_TO_TARGET]
    if connection.vendor == "postgresql":
        sql = _STEP_SQL.format(table=connection.ops.quote_name(CIRelationship._meta.db_table))
        with connection.cursor() as cursor:
            cursor.execute(sql, [frontier, to_source, frontier, to_target])
            yield from cursor.fetchall()
        return
    for start in range(0, len(frontier), _CHUNK):
        chunk = frontier[start : start + _CHUNK]
        yield from CIRelationship.objects.filter(
            target_id__in=chunk, type__in=to_source
        ).values_list("target_id", "source_id", "type")
        yield from CIRelationship.objects.filter(
            source_id__in=chunk, type__in=to_target
        ).values_list("source_id", "target_id", "type")


# The columns an impacted item carries; the rest loads on access. With 50,000 items
# reached, building full rows (attributes JSON, joined classes) would cost seconds.
_IMPACT_ITEM_FIELDS = (
    "id",
    "asset_tag",
    "name",
    "status",
    "ci_class_id",
    "department_id",
    "location_id",
    "responsible_id",
    "service_level_id",
    "parent_id",
    "warranty_end",
)


def ci_impact(*, ci: ConfigurationItem, max_depth: int | None = None) -> Impact:
    """The items, users, departments and service levels affected if `ci` fails.

    One query per level of the dependency graph plus a fixed handful for the result,
    however many items are reached (see impacted_ids). Impacted items carry their class,
    department and responsible user (with person and level) without further queries;
    other fields load on access.
    """
    depth, edges = impacted_ids(ci_id=ci.pk, max_depth=max_depth)
    items = list(
        _rows_with_ids(ConfigurationItem.objects.only(*_IMPACT_ITEM_FIELDS), "pk", list(depth))
    )
    everything = [ci, *items]

    user_ids = {item.responsible_id for item in everything if item.responsible_id}
    user_ids.update(
        _rows_with_ids(
            ConfigurationItemUser.objects.values_list("user_id", flat=True),
            "item_id",
            [item.pk for item in everything],
        )
    )
    users = _users_with_levels(user_ids)
    users.sort(key=lambda u: (-_rank(_user_level(u)), _user_name(u)))

    # Small reference tables: one query each, then shared by every row.
    classes = {c.pk: c for c in CIClass.objects.defer("attribute_schema")}
    department_ids = {item.department_id for item in everything if item.department_id}
    department_ids.update(
        u.person.department_id for u in users if _person(u) and u.person.department_id
    )
    departments = Department.objects.in_bulk(department_ids)
    users_by_id = {u.pk: u for u in users}
    cache = ConfigurationItem._meta
    for item in items:
        item.impact_depth = depth[item.pk]
        cache.get_field("ci_class").set_cached_value(item, classes.get(item.ci_class_id))
        cache.get_field("department").set_cached_value(item, departments.get(item.department_id))
        cache.get_field("responsible").set_cached_value(item, users_by_id.get(item.responsible_id))
    items.sort(key=lambda item: (item.impact_depth, item.asset_tag))

    # An item without an override has its responsible user's level, already among users'.
    all_levels = {level.pk: level for level in ServiceLevel.objects.all()}
    levels = {
        item.service_level_id: all_levels[item.service_level_id]
        for item in everything
        if item.service_level_id in all_levels
    }
    for level in map(_user_level, users):
        if level is not None:
            levels[level.pk] = level
    return Impact(
        ci=ci,
        items=items,
        users=users,
        departments=sorted(departments.values(), key=lambda d: d.name),
        service_levels=sorted(levels.values(), key=lambda lv: -lv.rank),
        depth=depth,
        edges=edges,
    )


def _rows_with_ids(queryset, field: str, ids: list):
    """The rows of `queryset` whose `field` is in `ids`, in as few queries as the database allows.

    PostgreSQL takes the whole list as one array parameter; elsewhere `IN` lists of
    2,000 keep under SQLite's parameter limit.
    """
    if not ids:
        return
    if connection.vendor == "postgresql":
        yield from queryset.filter(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
        return
    for start in range(0, len(ids), _CHUNK):
        yield from queryset.filter(**{f"{field}__in": ids[start : start + _CHUNK]})


def _users_with_levels(user_ids) -> list:
    return list(
        _rows_with_ids(
            get_user_model().objects.select_related(
                "person__service_level", "person__department__service_level"
            ),
            "pk",
            list(user_ids),
        )
    )


def _person(user):
    return getattr(user, "person", None)


def _user_level(user):
    person = getattr(user, "person", None)
    return person.effective_service_level() if person is not None else None


def _rank(level) -> int:
    return level.rank if level is not None else -1


def _user_name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()
