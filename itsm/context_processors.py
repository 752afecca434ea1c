from django.conf import settings

from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_has_role, user_roles


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.ITSM["SITE_NAME"],
        "CLIENT_NAME": settings.ITSM["CLIENT_NAME"],
        "user_roles": user_roles(user) if user is not None else set(),
        "is_staff_role": bool(user is not None and is_staff_role(user)),
        # The desk (and its supervisor) take calls: phone intake, callbacks.
        "is_desk": bool(
            user is not None and user_has_role(user, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN)
        ),
    }
