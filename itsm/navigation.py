"""The menu follows only who the user is (roles, permissions) and the language, so it is
drawn once per user and language (`{% cache %}` in itsm/_nav_items.html) and drawn again
when any account's roles or permissions change: those changes start a new version.

Drawing it cost every page ~4 ms and two permission queries. A missed change could only
show a stale menu for `NAV_SECONDS`; every view checks permissions itself.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import forget, version_token

AUTH_VERSION_KEY = "itsm.auth.version"
NAV_SECONDS = 600


def nav_version() -> str:
    return version_token(AUTH_VERSION_KEY, timeout=NAV_SECONDS) or "none"


def _changed(sender, **kwargs):
    forget(AUTH_VERSION_KEY)


def _user_saved(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return  # every sign-in saves last_login: nothing the menu shows
    forget(AUTH_VERSION_KEY)


def connect() -> None:
    user = get_user_model()
    for through in (user.groups.through, user.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"nav-{through.__name__}")
    for model in (Group, Permission):
        post_save.connect(_changed, sender=model, dispatch_uid=f"nav-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"nav-del-{model.__name__}")
    post_save.connect(_user_saved, sender=user, dispatch_uid="nav-save-user")
    post_delete.connect(_changed, sender=user, dispatch_uid="nav-del-user")
