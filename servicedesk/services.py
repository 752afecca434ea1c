"""Writes to the organisation."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Person


@transaction.atomic
def person_update_contact(*, person: Person, phone: str, mobile: str, email: str) -> Person:
    """Update how the desk reaches a person; user and profile change together or not at all."""
    person.phone, person.mobile = phone, mobile
    person.full_clean()
    person.save(update_fields=["phone", "mobile"])
    if person.user.email != email:
        person.user.email = email
        person.user.save(update_fields=["email"])
    return person


@transaction.atomic
def person_create(
    *,
    username: str,
    name: str,
    email: str = "",
    password: str | None = None,
    roles: tuple[str, ...] = (),
    **profile,
) -> Person:
    """A user with profile and roles. Without a password the account cannot log in yet."""
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    user = user_model(username=username, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if roles:
        user.groups.add(*Group.objects.filter(name__in=[str(r) for r in roles]))
    person = Person(user=user, name=name, **profile)
    person.full_clean()
    person.save()
    return person


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one (or all) of the user's notifications read; returns how many changed."""
    from django.utils import timezone

    from .models import Notification

    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())
