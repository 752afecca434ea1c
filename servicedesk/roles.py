"""Roles as Django groups, and the permissions each role holds.

Groups are created by a migration; their permissions are re-applied after every
`migrate` (post_migrate), because later apps add models and so permissions that must
reach the roles without a hand-written data migration each time. A permission an
admin adds to a group by hand stays; the ones listed here are always present.
"""

from fnmatch import fnmatchcase

from django.conf import settings

from .choices import Role

# The one list of project apps lives in settings (dependency order).
PROJECT_APPS = tuple(settings.PROJECT_APPS)

_ORG_READ = [
    "servicedesk.view_person",
    "servicedesk.view_department",
    "servicedesk.view_location",
    "servicedesk.view_building",
    "servicedesk.view_servicelevel",
]

# "app_label.codename" patterns (fnmatch). Each process app adds its own in
# `<app>/permissions.py` as ROLE_PERMISSIONS = {Role.X: [...]}, merged by role_permissions().
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.END_USER: [],
    Role.SERVICE_DESK: [
        *_ORG_READ,
        "servicedesk.add_person",
        "servicedesk.change_person",
        "servicedesk.view_oncallshift",
    ],
    Role.ENGINEER: [*_ORG_READ, "servicedesk.view_oncallshift"],
    Role.SUPERVISOR: [
        *_ORG_READ,
        "servicedesk.change_person",
        "servicedesk.view_workingperiod",
        "servicedesk.view_calendarday",
        "servicedesk.*_oncallshift",
    ],
    Role.APPROVER: [*_ORG_READ],
    Role.MANAGER: [*_ORG_READ, "servicedesk.view_*", "itsm.view_*"],
    Role.ADMIN: [f"{app}.*" for app in PROJECT_APPS],
}


def role_permissions() -> dict[str, list[str]]:
    """This module's patterns plus every process app's `permissions.ROLE_PERMISSIONS`."""
    from itsm.discovery import app_modules

    merged = {role: list(patterns) for role, patterns in ROLE_PERMISSIONS.items()}
    for module in app_modules("permissions"):
        for role, patterns in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged.setdefault(role, []).extend(patterns)
    return merged


def roles_sync(*, group_model=None, permission_model=None) -> None:
    """Create the role groups and grant each its listed permissions (idempotent)."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model  # noqa: N813
    if permission_model is None:
        from django.contrib.auth.models import Permission as permission_model  # noqa: N813

    permissions = list(
        permission_model.objects.filter(content_type__app_label__in=PROJECT_APPS).select_related(
            "content_type"
        )
    )
    for role, patterns in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = [
            perm
            for perm in permissions
            if any(
                fnmatchcase(f"{perm.content_type.app_label}.{perm.codename}", p) for p in patterns
            )
        ]
        if wanted:
            group.permissions.add(*wanted)


def user_roles(user) -> set[str]:
    """The role names of `user`, cached on the instance for the request."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_itsm_roles", None)
    if cached is None:
        # The signed-in user's groups came with the user (itsm.auth_backends).
        cached = getattr(user, "_itsm_group_names", None)
        cached = (
            set(cached) if cached is not None else set(user.groups.values_list("name", flat=True))
        )
        if user.is_superuser:
            cached.add(Role.ADMIN.value)
        user._itsm_roles = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & {str(r) for r in roles})


def is_staff_role(user) -> bool:
    """Service desk, engineers, supervisors, managers and admins work tickets; end users don't."""
    return user_has_role(
        user, Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN
    )


def contact_data_visible(user) -> bool:
    """May `user` see other people's phone numbers and e-mail addresses?

    Those who answer and visit them (desk, engineers, supervisors, managers, admins) may;
    approvers and end users see names and departments only (their own profile always).
    """
    return bool(user.is_superuser or is_staff_role(user))
