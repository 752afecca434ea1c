"""A lost update on the change and release edit pages is refused, the user's input kept.

The edit form carries the lock_version it was drawn from; a save after someone else's
saved in between gets the reload message instead of silently overwriting their edit.
"""

import pytest
from django.urls import reverse

from changes import release_services, services

pytestmark = pytest.mark.django_db

RELOAD = "changed by someone else"


def _change_form(change, **fields):
    return {
        "summary": change.summary,
        "type": change.type,
        "risk": change.risk,
        "implementation_plan": change.implementation_plan,
        "rollback_plan": change.rollback_plan,
        "lock_version": change.lock_version,
        **fields,
    }


def test_a_stale_change_edit_gets_the_reload_message_and_keeps_the_input(
    client, engineer, supervisor, make_change
):
    change = make_change()
    client.force_login(engineer)
    page = client.get(reverse("changes:edit", args=[change.number]))
    assert f'name="lock_version" value="{change.lock_version}"' in page.content.decode()
    posted = _change_form(change, summary="我的修改")  # drawn from the page just read
    services.change_update(
        change=change, actor=supervisor, lock_version=change.lock_version, summary="主管的修改"
    )
    response = client.post(reverse("changes:edit", args=[change.number]), posted)
    assert response.status_code == 200
    content = response.content.decode()
    assert RELOAD in content
    assert 'value="我的修改"' in content  # the user's input is still in the form
    change.refresh_from_db()
    assert change.summary == "主管的修改"  # nothing overwritten


def test_a_current_change_edit_saves(client, engineer, make_change):
    change = make_change()
    client.force_login(engineer)
    response = client.post(
        reverse("changes:edit", args=[change.number]), _change_form(change, summary="新摘要")
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.summary == "新摘要" and change.lock_version == 2


def test_a_change_edit_without_lock_version_is_refused_with_a_message(
    client, engineer, make_change
):
    change = make_change()
    client.force_login(engineer)
    posted = _change_form(change, summary="新摘要")
    del posted["lock_version"]
    response = client.post(reverse("changes:edit", args=[change.number]), posted)
    assert response.status_code == 200
    assert "out of date" in response.content.decode()
    change.refresh_from_db()
    assert change.summary != "新摘要"


def _release_form(release, **fields):
    return {
        "application": release.application,
        "release_version": release.release_version,
        "title": release.title,
        "type": release.type,
        "risk": release.risk,
        "lock_version": release.lock_version,
        **fields,
    }


def test_a_stale_release_edit_gets_the_reload_message_and_keeps_the_input(
    client, engineer, supervisor, make_release
):
    release = make_release()
    client.force_login(engineer)
    page = client.get(reverse("changes:release_edit", args=[release.number]))
    assert f'name="lock_version" value="{release.lock_version}"' in page.content.decode()
    posted = _release_form(release, title="我的标题")
    release_services.release_update(
        release=release, actor=supervisor, lock_version=release.lock_version, title="主管的标题"
    )
    response = client.post(reverse("changes:release_edit", args=[release.number]), posted)
    assert response.status_code == 200
    content = response.content.decode()
    assert RELOAD in content
    assert 'value="我的标题"' in content
    release.refresh_from_db()
    assert release.title == "主管的标题"


def test_a_current_release_edit_saves(client, engineer, make_release):
    release = make_release()
    client.force_login(engineer)
    response = client.post(
        reverse("changes:release_edit", args=[release.number]),
        _release_form(release, title="新标题"),
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "新标题" and release.lock_version == 2
