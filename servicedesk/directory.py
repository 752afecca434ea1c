"""Who works on the desk's side and in which teams, as the staff pages' pickers list them
(the queue's team and assignee filters, bulk dispatch): read on every queue page, edited
a few times a year.

Kept in a per-process cached table (`itsm.cache.cached_table`) and forgotten on any change
that could alter a row of it: a team saved or deleted, a role (group membership) given or
taken, a group renamed, an account saved (active or not, its name) or deleted, a person's
name. The on-call banner's people come from the same tables, so its cache goes too
(`servicedesk.oncall`). A missed change could only show a stale option for the version's
lifetime (`cached_table`'s timeout); what is posted is still checked against the
database by the forms' querysets.

Permission rules (`incidents.permissions.team_ids`) do not read this: who may see or do
what is always read from the database.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save

from itsm.cache import cached_table, forget
from itsm.navigation import sign_in_only

from .choices import Role
from .models.oncall import ON_CALL_CACHE_KEY  # who is on call, by the hour

STAFF_DIRECTORY_KEY = "servicedesk:staff-directory"

# Who can be given work: the assignee filter and the bulk dispatch list them.
ASSIGNABLE_ROLES = (Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR)


@dataclass(frozen=True)
class StaffDirectory:
    teams: list[tuple[int, str]]  # (pk, name), by name
    assignable: list[tuple[int, str]]  # (user pk, person's name or login), by name


def assignable_users():
    """The active users who can be given work, with their people (for form querysets)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=ASSIGNABLE_ROLES)
        .select_related("person")
        .distinct()
        .order_by("person__name", "username")
    )


def staff_directory() -> StaffDirectory:
    """The teams and the assignable staff as plain rows (no query while cached)."""
    from .models import Team

    def build():
        return StaffDirectory(
            teams=list(Team.objects.order_by("name").values_list("pk", "name")),
            assignable=[
                (pk, name or username)
                for pk, name, username in assignable_users().values_list(
                    "pk", "person__name", "username"
                )
            ],
        )

    return cached_table(STAFF_DIRECTORY_KEY, build)


def _forget(**kwargs):
    forget(STAFF_DIRECTORY_KEY)
    forget(ON_CALL_CACHE_KEY)


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if not sign_in_only(update_fields):
        _forget()


def _m2m(sender, action, **kwargs):
    if action.startswith("post_"):
        _forget()


def connect() -> None:
    from .models import Person, Team

    user = get_user_model()
    for model in (Team, Group, Person, user):
        if model is not user:
            post_save.connect(
                _forget, sender=model, dispatch_uid=f"directory-save-{model.__name__}"
            )
        post_delete.connect(_forget, sender=model, dispatch_uid=f"directory-del-{model.__name__}")
    post_save.connect(_user_saved, sender=user, dispatch_uid="directory-save-user")
    for through in (user.groups.through, Team.members.through):
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"directory-{through.__name__}")
