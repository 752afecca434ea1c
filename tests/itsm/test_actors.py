"""The system actor that scheduled jobs act as (itsm/actors.py)."""

import pytest
from django.contrib.auth import get_user_model

from itsm.actors import SYSTEM_USERNAME, _system_user_pk, is_system_user, system_user

pytestmark = pytest.mark.django_db


def test_the_system_user_is_created_once_inactive_and_without_a_password():
    first = system_user()
    assert system_user().pk == first.pk
    assert get_user_model().objects.filter(username=SYSTEM_USERNAME).count() == 1
    assert first.username == SYSTEM_USERNAME
    assert not first.is_active  # nobody can log in as it
    assert not first.has_usable_password()


def test_the_system_user_comes_back_after_the_table_was_emptied():
    first = system_user()
    get_user_model().objects.filter(pk=first.pk).delete()
    again = system_user()
    assert again.username == SYSTEM_USERNAME
    assert get_user_model().objects.filter(pk=again.pk).exists()


def test_only_the_inactive_system_account_counts_as_the_system(make_person):
    assert is_system_user(system_user())
    someone = make_person(username="someone")
    assert not is_system_user(someone)
    someone.is_active = False
    assert not is_system_user(someone)


def test_an_active_account_named_system_is_not_the_system_actor(make_person):
    _system_user_pk.cache_clear()
    impostor = make_person(username=SYSTEM_USERNAME)  # an admin made a login called "system"
    assert impostor.is_active
    assert not is_system_user(impostor)
    _system_user_pk.cache_clear()


def test_anonymous_and_missing_users_are_not_the_system():
    from django.contrib.auth.models import AnonymousUser

    assert not is_system_user(AnonymousUser())
    assert not is_system_user(None)


def test_the_system_user_is_never_a_user_who_took_over_its_old_id():
    first = system_user()
    get_user_model().objects.filter(pk=first.pk).delete()
    get_user_model().objects.create(pk=first.pk, username="newcomer")  # the id reused
    again = system_user()
    assert again.username == SYSTEM_USERNAME and again.pk != first.pk
