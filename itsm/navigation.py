"""The menu follows only who the user is (roles, permissions) and the language, so it is
drawn once per user and language (`{% cache %}` in itsm/_nav_items.html) and drawn again
when the user's roles or permissions change (their own version) or a group's permissions
do (everyone's).

Drawing it cost every page ~4 ms and two permission queries. A missed change could only
show a stale menu for `NAV_SECONDS`; every view checks permissions itself.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import forget, version_token

AUTH_VERSION_KEY = "itsm.auth.version"  # every menu: groups' permissions changed
NAV_SECONDS = 600


def _user_key(user_id) -> str:
    return f"{AUTH_VERSION_KEY}:{user_id}"  # one user's roles or permissions changed


def nav_version(user) -> str:
    """The version of `user`'s menu: everyone's, then their own."""
    from django.core.cache import cache

    keys = (AUTH_VERSION_KEY, _user_key(user.pk))
    known = cache.get_many(keys)  # one round trip when both are there
    shared, own = (known.get(key) or version_token(key, timeout=NAV_SECONDS) for key in keys)
    return f"{shared}.{own}"


def _everyone(sender, **kwargs):
    forget(AUTH_VERSION_KEY)


def _memberships(sender, instance, action, reverse, pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    user_model = get_user_model()
    if isinstance(instance, user_model):
        forget(_user_key(instance.pk))
    else:  # from the group's side: its users, or all of them on clear
        for pk in pk_set or ():
            forget(_user_key(pk))
        if action == "post_clear":
            forget(AUTH_VERSION_KEY)


def sign_in_only(update_fields) -> bool:
    """A user save of only what signing in writes (every sign-in saves last_login; a
    password upgrade on sign-in saves the hash): nothing a page lists changed."""
    return update_fields is not None and set(update_fields) <= {"last_login", "password"}


def _user_saved(sender, instance, update_fields=None, **kwargs):
    if sign_in_only(update_fields):
        return
    forget(_user_key(instance.pk))


def connect() -> None:
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through):
        m2m_changed.connect(_memberships, sender=through, dispatch_uid=f"nav-{through.__name__}")
    m2m_changed.connect(_everyone, sender=Group.permissions.through, dispatch_uid="nav-group-perms")
    for model in (Group, Permission):
        post_save.connect(_everyone, sender=model, dispatch_uid=f"nav-save-{model.__name__}")
        post_delete.connect(_everyone, sender=model, dispatch_uid=f"nav-del-{model.__name__}")
    post_save.connect(_user_saved, sender=user, dispatch_uid="nav-save-user")
