"""The answer: the Impact of a walk, from compact rows, its items and users built lazily."""

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_init

from servicedesk.models import Department, ServiceLevel

from ...models import CIClass, ConfigurationItem, ConfigurationItemUser
from ._common import _CHUNK, _FIRST, _many_objects
from .walk import impacted_ids_from

# Model instances are built this many at a time when a caller reads the sequences.
_BUILD_CHUNK = 500
# Reading every item (or item-user link) and keeping the reached ones beats a list of
# ids once the reach is more than a third of the table.
_SCAN_SHARE = 3


# --- The answer ----------------------------------------------------------------------------


@dataclass
class Impact:
    """What is affected when `ci` fails (or all of `cis` together, see cis_impact).

    items: every item that depends on `ci`, directly or through others (not `ci` itself),
        nearest first, then by asset tag; `depth[item.pk]` is the number of hops and
        `item.impact_depth` the same.
    users: responsible users and named users of `ci` and of the impacted items, highest
        effective service level first (VIPs first), then by name.
    departments: departments of those items and of those users.
    service_levels: the distinct effective levels among items and users, highest first.
    user_counts: [(service level or None, number of users)], highest level first.
    edges: the relationships the failure travels along (for the graph).

    `items` and `users` are sequences (len, index, slice, iterate) built on reading.
    """

    ci: ConfigurationItem | None
    cis: list = field(default_factory=list)  # every start (cis_impact); [ci] for ci_impact
    items: Sequence = field(default_factory=list)
    users: Sequence = field(default_factory=list)
    departments: list = field(default_factory=list)
    service_levels: list = field(default_factory=list)
    depth: dict = field(default_factory=dict)
    edges: list = field(default_factory=list)
    user_counts: list = field(default_factory=list)

    def user_level(self, user):
        """The user's effective service level (no query for an affected user)."""
        level_of = getattr(self.users, "level_of", None)
        if level_of is not None and user.pk in self.users.levels:
            return level_of(user.pk)
        return _user_level(user)


class _LazyInstances(Sequence):
    """A sorted list of rows whose model instances are built, in chunks, when read."""

    def __init__(self, rows: list):
        self.rows = rows
        self._built: list = []

    def _build(self, rows: list) -> list:
        raise NotImplementedError

    def __len__(self):
        return len(self.rows)

    def _ensure(self, stop: int) -> None:
        stop = min(stop, len(self.rows))
        if len(self._built) < stop:
            with _many_objects():
                self._built.extend(self._build(self.rows[len(self._built) : stop]))

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self.rows))
            if step == 1 and start > len(self._built) and stop > start:
                # A later page (the API's offset): build only its rows, not those before.
                with _many_objects():
                    return self._build(self.rows[start:stop])
            self._ensure(len(self.rows) if index.step and index.step < 0 else stop)
            return self._built[index]
        if index < 0:
            index += len(self.rows)
        if not 0 <= index < len(self.rows):
            raise IndexError(index)
        self._ensure(index + 1)
        return self._built[index]

    def __iter__(self):
        # Chunks double as a caller keeps reading: a page stops early, a full read of
        # 50,000 items takes a few builds (and user queries), not a hundred.
        start, size = 0, _BUILD_CHUNK
        while start < len(self.rows):
            self._ensure(start + size)
            yield from self._built[start : start + size]
            start += size
            size = min(size * 2, 16 * _BUILD_CHUNK)

    def __eq__(self, other):
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"<{type(self).__name__} of {len(self)}>"


# The columns an impacted item carries; the rest loads on access (as with .only()).
_ITEM_FIELDS = (
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
_TAG, _CLASS, _DEPARTMENT, _RESPONSIBLE, _LEVEL = 1, 4, 5, 7, 8


class ImpactUsers(_LazyInstances):
    """Affected users, VIPs first; `levels[user id]` is each one's level id (or None)."""

    def __init__(self, rows: list, *, levels: dict, all_levels: dict, loaded: dict | None = None):
        super().__init__(rows)  # user ids, sorted
        self.levels = levels
        self._all_levels = all_levels
        self._cache: dict = dict(loaded or {})

    def level_of(self, user_id):
        return self._all_levels.get(self.levels.get(user_id))

    def instances(self, ids) -> dict:
        """{id: user with person, department and levels} for `ids`, loading the missing."""
        missing = [pk for pk in dict.fromkeys(ids) if pk not in self._cache]
        if missing:
            for user in _rows_with_ids(_users(), "pk", missing):
                self._cache[user.pk] = user
        return {pk: self._cache[pk] for pk in ids if pk in self._cache}

    def _build(self, rows):
        found = self.instances(rows)
        return [found[pk] for pk in rows if pk in found]


class ImpactItems(_LazyInstances):
    """Impacted items nearest first; each built with its class, department and user."""

    def __init__(self, rows: list, *, depth: dict, departments: dict, users: ImpactUsers):
        super().__init__(rows)  # _ITEM_FIELDS tuples, sorted by (depth, asset tag)
        self._depth = depth
        self._depths = list(map(depth.__getitem__, map(_FIRST, rows)))  # ascending
        self._departments = departments
        self._users = users
        self._classes = None

    def nearest(self, *, per_depth: int, max_depth: int) -> dict[int, list]:
        """{depth: the first `per_depth` items at that depth} up to `max_depth`; one build."""
        # Rows are sorted by depth: each depth's first rows are found by bisection.
        depths = self._depths
        picked = []
        for level in range(1, max_depth + 1):
            start = bisect_left(depths, level)
            stop = min(bisect_right(depths, level, lo=start), start + per_depth)
            picked += self.rows[start:stop]
        columns: dict[int, list] = {}
        for item in self._build(picked):
            columns.setdefault(item.impact_depth, []).append(item)
        return columns

    def _build(self, rows):
        if self._classes is None:
            self._classes = {c.pk: c for c in CIClass.objects.defer("attribute_schema")}
        users = self._users.instances([row[_RESPONSIBLE] for row in rows if row[_RESPONSIBLE]])
        classes, departments, depth = self._classes, self._departments, self._depth
        alias = connection.alias
        if post_init.has_listeners(ConfigurationItem):
            items = [ConfigurationItem.from_db(alias, _ITEM_FIELDS, row) for row in rows]
        else:
            items = _instances(ConfigurationItem, _ITEM_FIELDS, rows, alias)
        meta = ConfigurationItem._meta
        keys = [
            meta.get_field(name).cache_name for name in ("ci_class", "department", "responsible")
        ]
        for item, row in zip(items, rows, strict=True):
            item.impact_depth = depth[row[0]]
            # What set_cached_value would store, in one dict per item.
            item._state.fields_cache = dict(
                zip(
                    keys,
                    (
                        classes.get(row[_CLASS]),
                        departments.get(row[_DEPARTMENT]),
                        users.get(row[_RESPONSIBLE]),
                    ),
                    strict=True,
                )
            )
        return items


def _instances(model, attnames: tuple, rows: list, alias: str) -> list:
    """Model instances from `rows` of `attnames` values, the other fields deferred.

    What `.only()` gives (from_db), without Model.__init__ per row: a tenth of the
    time at 50,000 rows. Only for models nothing listens to post_init for.
    """
    built = []
    new, new_state = model.__new__, ModelState.__new__
    for row in rows:
        instance = new(model)
        state = new_state(ModelState)
        state.__dict__.update(adding=False, db=alias)
        instance.__dict__.update(zip(attnames, row, strict=True), _state=state)
        built.append(instance)
    return built


def ci_impact(*, ci: ConfigurationItem, max_depth: int | None = None) -> Impact:
    """The items, users, departments and service levels affected if `ci` fails.

    Complete counts and lists, however many items are reached: the walk (see
    impacted_ids) plus a fixed handful of queries on compact rows. Items and users
    become model instances only when read (see Impact).
    """
    return cis_impact(cis=[ci], max_depth=max_depth)


@_many_objects()
def cis_impact(*, cis, max_depth: int | None = None) -> Impact:
    """What is affected if all of `cis` fail together (a change or a release on them).

    The union of ci_impact over `cis`, in one walk and the same fixed handful of
    queries however many items start it: an item reached from several starts is
    listed once at its smallest depth; the starts are not listed among the items (also
    when one depends on another), but their users, departments and service levels
    count, as a single start's do. `Impact.ci` is the first start, `Impact.cis` all of
    them. No query at all without starts.
    """
    starts = list({ci.pk: ci for ci in cis}.values())
    if not starts:
        users = ImpactUsers([], levels={}, all_levels={})
        return Impact(
            ci=None,
            cis=[],
            items=ImpactItems([], depth={}, departments={}, users=users),
            users=users,
        )
    start_ids = [ci.pk for ci in starts]
    depth, edges = impacted_ids_from(ci_ids=start_ids, max_depth=max_depth)
    item_count = None
    if len(depth) > _CHUNK:
        item_count = ConfigurationItem.objects.count()
    scan = item_count is not None and len(depth) * _SCAN_SHARE >= item_count
    compact = ConfigurationItem.objects.values_list(*_ITEM_FIELDS).order_by()
    if scan:
        rows = _fetch(compact)
        rows = list(compress(rows, map(depth.__contains__, map(_FIRST, rows))))
    else:
        rows = [
            row
            for chunk in _querysets_with_ids(compact, "pk", list(depth))
            for row in _fetch(chunk)
        ]
    if connection.vendor == "sqlite":  # the raw cursor gives dates as text there
        rows = [
            (*row[:-1], date.fromisoformat(row[-1])) if isinstance(row[-1], str) else row
            for row in rows
        ]
    # Nearest first, then by tag: two sorts on C-level keys (stable), no Python per row.
    rows.sort(key=itemgetter(_TAG))
    depths = list(map(depth.__getitem__, map(_FIRST, rows)))
    rows = list(map(rows.__getitem__, sorted(range(len(rows)), key=depths.__getitem__)))

    # Users: responsible for, or named users of, the failed item or an impacted one.
    user_ids = set(map(itemgetter(_RESPONSIBLE), rows))
    user_ids.update(ci.responsible_id for ci in starts)
    user_ids.discard(None)
    links = ConfigurationItemUser.objects.values_list("item_id", "user_id").order_by()
    if scan:
        links = _fetch(links)
        affected = depth.keys() | set(start_ids)
        user_ids.update(
            map(itemgetter(1), compress(links, map(affected.__contains__, map(_FIRST, links))))
        )
    else:
        user_ids.update(u for _i, u in _rows_with_ids(links, "item_id", [*start_ids, *depth]))

    all_levels = {level.pk: level for level in ServiceLevel.objects.all()}
    default = ServiceLevel.default()
    default_id = default.pk if default is not None else None
    ranks = {pk: level.rank for pk, level in all_levels.items()}
    levels, names, department_ids = {}, {}, set()
    loaded = {}
    if len(user_ids) <= _BUILD_CHUNK:
        # Few users (the usual case): load them whole at once, as they will be read.
        loaded = {user.pk: user for user in _rows_with_ids(_users(), "pk", list(user_ids))}
        people = [_person_row(user) for user in loaded.values()]
    else:
        compact = get_user_model().objects.values_list(
            "pk",
            "username",
            "person__pk",
            "person__name",
            "person__service_level_id",
            "person__department_id",
            "person__department__service_level_id",
        )
        people = _rows_with_ids(compact.order_by(), "pk", list(user_ids))
    for pk, username, person, name, own, department, inherited in people:
        if person is None:
            levels[pk], names[pk] = None, username
            continue
        levels[pk] = own or inherited or default_id
        names[pk] = name
        if department:
            department_ids.add(department)
    order = sorted(levels, key=lambda pk: (-ranks.get(levels[pk], -1), names[pk]))
    users = ImpactUsers(order, levels=levels, all_levels=all_levels, loaded=loaded)

    department_ids.update(map(itemgetter(_DEPARTMENT), rows))
    department_ids.update(ci.department_id for ci in starts)
    department_ids.discard(None)
    departments = Department.objects.in_bulk(department_ids) if department_ids else {}

    # An item without an override has its responsible user's level, already among users'.
    level_ids = all_levels.keys() & set(map(itemgetter(_LEVEL), rows))
    level_ids.update(all_levels.keys() & {ci.service_level_id for ci in starts})
    per_level = Counter(levels.values())
    level_ids.update(pk for pk in per_level if pk is not None)
    return Impact(
        ci=starts[0],
        cis=starts,
        items=ImpactItems(rows, depth=depth, departments=departments, users=users),
        users=users,
        departments=sorted(departments.values(), key=lambda d: d.name),
        service_levels=sorted((all_levels[pk] for pk in level_ids), key=lambda lv: -lv.rank),
        depth=depth,
        edges=edges,
        user_counts=sorted(
            ((all_levels.get(pk), n) for pk, n in per_level.items()),
            key=lambda pair: -(pair[0].rank if pair[0] is not None else -1),
        ),
    )


def _querysets_with_ids(queryset, field: str, ids: list):
    """`queryset` narrowed to `field` in `ids`, in as few querysets as the database allows.

    PostgreSQL takes the whole list as one array parameter; elsewhere `IN` lists of
    2,000 keep under SQLite's parameter limit.
    """
    if not ids:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
        return
    for start in range(0, len(ids), _CHUNK):
        yield queryset.filter(**{f"{field}__in": ids[start : start + _CHUNK]})


def _rows_with_ids(queryset, field: str, ids: list):
    for narrowed in _querysets_with_ids(queryset, field, ids):
        yield from narrowed


def _fetch(queryset) -> list[tuple]:
    """The rows of a values_list queryset as the cursor returns them, in one fetch.

    Several times faster than iterating the queryset at 50,000 rows; no converters run,
    so only for columns the driver already returns as Python values.
    """
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _users():
    return get_user_model().objects.select_related(
        "person__service_level", "person__department__service_level"
    )


def _person_row(user) -> tuple:
    """The compact row of a loaded user: what the values_list in ci_impact reads."""
    person = getattr(user, "person", None)
    if person is None:
        return (user.pk, user.get_username(), None, None, None, None, None)
    inherited = person.department.service_level_id if person.department_id else None
    return (
        user.pk,
        user.get_username(),
        person.pk,
        person.name,
        person.service_level_id,
        person.department_id,
        inherited,
    )


def _user_level(user):
    person = getattr(user, "person", None)
    return person.effective_service_level() if person is not None else None
