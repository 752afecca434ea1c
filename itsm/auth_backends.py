"""Django's model backend, loading the signed-in user's person and group names with the
user.

Every page shows who is signed in by their person's name, and asks their roles (groups)
before anything else: one query for the three saves two on every request. Apps add what
every page shows of the user (servicedesk: the bell's unread count) as a column of the
same query (`user_column`).
"""

import json
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .sql import names_array

# name → builder(user model) of an expression over the user's row (itsm.sql's subqueries)
_COLUMNS: dict[str, Callable] = {}


def user_column(name: str, build: Callable) -> None:
    """Read `build(user_model)` with the signed-in user on every request (an app's ready())."""
    _COLUMNS[name] = build


def user_column_value(user, name: str):
    """The value read with `user` at the start of the request; None if not read with it
    (another way of loading the user) or forgotten since (`user_column_forget`)."""
    return getattr(user, f"_itsm_{name}", None)  # getattr: request.user is a lazy proxy


def user_column_forget(user, name: str) -> None:
    """Drop the value read with `user`: it changed in this request (the caller counts
    afresh)."""
    if hasattr(user, f"_itsm_{name}"):
        delattr(user, f"_itsm_{name}")


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
                **{f"_itsm_{name}": build(user_model) for name, build in _COLUMNS.items()},
            )
            .filter(pk=user_id)
        )
        user = next(iter(rows), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        # Read by servicedesk.roles.user_roles instead of a query of its own.
        user._itsm_group_names = _decoded(user.__dict__.pop("_group_names_json"))
        return user
