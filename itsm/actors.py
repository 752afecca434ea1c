"""The system actor: who acts when a scheduled job (beat) or an import does the work.

Services always take the acting user and always check it; a periodic scan passes
`system_user()` rather than None, so every log row names who acted and no check is
silently skipped for a missing actor.
"""

from functools import cache

from django.contrib.auth import get_user_model

SYSTEM_USERNAME = "system"


@cache
def _system_user_pk() -> int:
    User = get_user_model()  # noqa: N806
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "系统"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user.pk


def system_user():
    """The inactive `system` account that scheduled jobs act as (created on first use)."""
    User = get_user_model()  # noqa: N806
    user = User.objects.filter(pk=_system_user_pk(), username=SYSTEM_USERNAME).first()
    if user is None:  # the test database was rolled back since the cache filled (and the
        # id may even belong to someone else now)
        _system_user_pk.cache_clear()
        user = User.objects.get(pk=_system_user_pk())
    return user


def is_system_user(user) -> bool:
    return getattr(user, "username", None) == SYSTEM_USERNAME and not user.is_active
