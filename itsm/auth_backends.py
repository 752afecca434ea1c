"""Django's model backend, loading the signed-in user's person and group names with the
user.

Every page shows who is signed in by their person's name, and asks their roles (groups)
before anything else: one query for the three saves two on every request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, OuterRef, Subquery, TextField, Value

# Between group names in the aggregate: a control character no name is typed with.
SEPARATOR = "\x1f"


class _Joined(Aggregate):
    """Text values joined by SEPARATOR: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(SEPARATOR))

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def _group_names():
    memberships = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"))
    return Subquery(
        memberships.order_by()
        .values("user_id")
        .annotate(names=_Joined("group__name"))
        .values("names")
    )


class PersonModelBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = (
            user_model._default_manager.select_related("person")
            .annotate(_group_names_joined=_group_names())
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        joined = user.__dict__.pop("_group_names_joined")
        # Read by servicedesk.roles.user_roles instead of a query of its own.
        user._itsm_group_names = set(joined.split(SEPARATOR)) if joined else set()
        return user
