"""Django's model backend, loading the signed-in user's person and group names with the
user.

Every page shows who is signed in by their person's name, and asks their roles (groups)
before anything else: one query for the three saves two on every request. Apps add what
every page shows of the user (servicedesk: the bell's unread count) as a column of the
same query (`user_column`).
"""

import json
import threading
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .sql import names_array

# name → builder(user model) of an expression over the user's row (itsm.sql's subqueries)
_COLUMNS: dict[str, Callable] = {}
_PREFIX = "_itsm_column_"
# How often this thread changed what a column counts (for anyone): a value read with a
# user before the latest change is not used. Per thread, as Django serves a request.
_changes = threading.local()


def user_column(name: str, build: Callable) -> None:
    """Read `build(user_model)` with the signed-in user on every request (an app's ready())."""
    _COLUMNS[name] = build


def user_column_value(user, name: str):
    """The value read with `user` at the start of the request; None if it was not read with
    it (another way of loading the user) or this thread changed such values since
    (`user_columns_changed`): the caller then counts afresh."""
    # getattr: request.user is a lazy proxy
    if getattr(user, "_itsm_columns_at", None) != getattr(_changes, "count", 0):
        return None
    return getattr(user, f"{_PREFIX}{name}", None)


def user_columns_changed() -> None:
    """What a column counts changed, for whichever users (notices given or read): values
    read with users before now are not used. By change, not by user object: recipients
    are often read afresh, not the signed-in user's own object."""
    _changes.count = getattr(_changes, "count", 0) + 1


def _decoded(names) -> set[str]:
    if names is None:  # no groups: PostgreSQL's JSON_AGG of no rows is NULL
        return set()
    # psycopg2 decodes PostgreSQL's json itself; SQLite answers the text.
    return set(json.loads(names) if isinstance(names, str) else names)


class PersonModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        # The group names as SQL written once (itsm.sql): the ORM's Subquery was compiled
        # afresh on every request. No `.first()`: its ORDER BY is useless on a key.
        rows = (
            user_model._default_manager.select_related("person")
            .annotate(
                _group_names_json=names_array(user_model),
                **{f"{_PREFIX}{name}": build(user_model) for name, build in _COLUMNS.items()},
            )
            .filter(pk=user_id)
        )
        user = next(iter(rows), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        # Read by servicedesk.roles.user_roles instead of a query of its own.
        user._itsm_group_names = _decoded(user.__dict__.pop("_group_names_json"))
        user._itsm_columns_at = getattr(_changes, "count", 0)
        return user
