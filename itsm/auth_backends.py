"""Django's model backend, loading the signed-in user's person and group names with the
user.

Every page shows who is signed in by their person's name, and asks their roles (groups)
before anything else: one query for the three saves two on every request.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, OuterRef, Subquery, TextField


class _NamesArray(Aggregate):
    """The values as a JSON array: JSON_GROUP_ARRAY on SQLite, JSON_AGG on PostgreSQL (no
    separator a name could hold)."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_AGG", **extra_context)


def _group_names():
    memberships = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"))
    return Subquery(
        memberships.order_by()
        .values("user_id")
        .annotate(names=_NamesArray("group__name"))
        .values("names")
    )


def _decoded(names) -> set[str]:
    if names is None:  # no groups: no row to aggregate
        return set()
    # psycopg2 decodes PostgreSQL's json itself; SQLite answers the text.
    return set(json.loads(names) if isinstance(names, str) else names)


class PersonModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = (
            user_model._default_manager.select_related("person")
            .annotate(_group_names_json=_group_names())
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        # Read by servicedesk.roles.user_roles instead of a query of its own.
        user._itsm_group_names = _decoded(user.__dict__.pop("_group_names_json"))
        return user
