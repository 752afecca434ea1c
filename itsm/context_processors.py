from django.conf import settings

from itsm.navigation import nav_version
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_has_role, user_roles
from servicedesk.selectors import UNREAD_CAP, notification_unread_count


def site(request):
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return {
        # Lazy: one COUNT query, and only on pages that show the bell.
        "unread_notifications": (lambda: notification_unread_count(user=user))
        if authenticated
        else 0,
        "unread_cap": UNREAD_CAP,  # the bell shows "99+" from there
        # The menu's cache key (itsm.navigation): read only by pages that draw the menu.
        "nav_version": (lambda: nav_version(user)) if authenticated else "",
        "SITE_NAME": settings.ITSM["SITE_NAME"],
        "CLIENT_NAME": settings.ITSM["CLIENT_NAME"],
        "user_roles": user_roles(user) if user is not None else set(),
        "is_staff_role": bool(user is not None and is_staff_role(user)),
        # Who may have decisions waiting (everyone but plain end users): the nav asks for
        # their "waiting for me" count; end users' pages never do.
        "may_decide": bool(authenticated and user_roles(user) - {Role.END_USER.value}),
        # The desk (and its supervisor) take calls: phone intake, callbacks.
        "is_desk": bool(
            user is not None and user_has_role(user, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)
        ),
    }
