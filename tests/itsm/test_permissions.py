"""One permission source per model (itsm/permissions.py), on a test model of its own."""

import pytest
from django.contrib.auth.models import AnonymousUser

from itsm.actors import system_user
from itsm.permissions import permits

from .core_models import Note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("core_tables")]


@pytest.fixture
def notes(engineer, agent):
    return {
        "mine": Note.objects.create(owner_id=engineer.pk),
        "theirs": Note.objects.create(owner_id=agent.pk),
        "public": Note.objects.create(owner_id=agent.pk, public=True),
    }


def visible(user, action="view"):
    return set(Note.objects.restrict(user, action).values_list("pk", flat=True))


def test_restrict_refuses_a_missing_user():
    with pytest.raises(TypeError, match="system_user"):
        Note.objects.restrict(None, "view")


def test_permits_refuses_a_missing_user_too(notes):
    with pytest.raises(TypeError):
        permits(None, notes["mine"], "view")


def test_the_system_actor_sees_and_does_everything(notes):
    everything = {note.pk for note in notes.values()}
    assert visible(system_user(), "view") == everything
    assert visible(system_user(), "delete") == everything


def test_an_inactive_user_sees_nothing_even_their_own(engineer, notes):
    engineer.is_active = False
    engineer.save()
    assert visible(engineer) == set()
    assert not permits(engineer, notes["mine"], "view")


def test_an_anonymous_user_sees_nothing(notes):
    assert visible(AnonymousUser()) == set()


def test_a_superuser_sees_everything(admin_user, notes):
    assert visible(admin_user, "change") == {note.pk for note in notes.values()}


def test_the_model_says_who_may_do_what(engineer, notes):
    assert visible(engineer, "view") == {notes["mine"].pk, notes["public"].pk}
    assert visible(engineer, "change") == {notes["mine"].pk}
    assert visible(engineer, "delete") == set()


@pytest.mark.parametrize("action", ["view", "change", "delete"])
@pytest.mark.parametrize("who", ["engineer", "agent", "admin_user", "end_user", "system"])
def test_permits_agrees_with_restrict_for_every_object(request, notes, who, action):
    user = system_user() if who == "system" else request.getfixturevalue(who)
    listed = visible(user, action)
    for note in notes.values():
        assert permits(user, note, action) == (note.pk in listed), (who, action, note.pk)


def test_permits_is_false_for_no_object_or_an_unsaved_one(engineer):
    assert not permits(engineer, None, "view")
    assert not permits(engineer, Note(owner_id=engineer.pk), "view")


def test_restrict_narrows_a_filtered_queryset(engineer, notes):
    publics = Note.objects.filter(public=True).restrict(engineer, "view")
    assert list(publics.values_list("pk", flat=True)) == [notes["public"].pk]
