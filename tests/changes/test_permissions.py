"""One rule per model: for every role the list, the object check, the page and the API agree."""

import pytest
from rest_framework.test import APIClient

from changes import release_selectors, selectors
from changes.models import ChangeRequest, Release
from changes.permissions import RELEASE_RULES, RULES, change_refusal, release_refusal
from itsm.permissions import permits

pytestmark = pytest.mark.django_db

ROLES = ["end_user", "agent", "engineer", "supervisor", "approver", "manager", "admin_user"]
READERS = {"agent", "engineer", "supervisor", "approver", "manager", "admin_user"}


def _agree(user, model, objects, rules, refusal, *, page, api_url, get_one):
    listed = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
    client_api = APIClient()
    client_api.force_authenticate(user)
    for obj in objects:
        visible = obj.pk in listed
        assert permits(user, obj, "view") is visible
        assert (refusal(user, obj, "view") == "") is visible
        assert (get_one(user=user, number=obj.number) is not None) is visible
        response = page.get(obj.get_absolute_url())
        assert (response.status_code == 200) is visible, response.status_code
        answer = client_api.get(api_url.format(number=obj.number))
        assert (answer.status_code == 200) is visible, answer.status_code
        for action in rules:
            allowed = set(model.objects.restrict(user, action).values_list("pk", flat=True))
            assert permits(user, obj, action) is (obj.pk in allowed)
            assert (refusal(user, obj, action) == "") is (obj.pk in allowed)
    return listed


@pytest.mark.parametrize("role", ROLES)
def test_changes_list_object_check_page_and_api_agree(request, client, role, make_change):
    user = request.getfixturevalue(role)
    changes = [make_change(summary="更换定影组件"), make_change(summary="升级交换机")]
    client.force_login(user)
    listed = _agree(
        user,
        ChangeRequest,
        changes,
        RULES,
        change_refusal,
        page=client,
        api_url="/api/changes/{number}/",
        get_one=selectors.change_get,
    )
    assert listed == ({c.pk for c in changes} if role in READERS else set())
    assert set(selectors.change_list(user=user).values_list("pk", flat=True)) == listed


@pytest.mark.parametrize("role", ROLES)
def test_releases_list_object_check_page_and_api_agree(request, client, role, make_release):
    user = request.getfixturevalue(role)
    releases = [make_release(application="登记系统"), make_release(application="公文系统")]
    client.force_login(user)
    listed = _agree(
        user,
        Release,
        releases,
        RELEASE_RULES,
        release_refusal,
        page=client,
        api_url="/api/releases/{number}/",
        get_one=release_selectors.release_get,
    )
    assert listed == ({r.pk for r in releases} if role in READERS else set())
    assert set(release_selectors.release_list(user=user).values_list("pk", flat=True)) == listed


@pytest.mark.parametrize("role", ROLES)
def test_only_their_own_people_and_supervisors_edit_a_change(request, role, make_change):
    user = request.getfixturevalue(role)
    change = make_change()  # requested by the engineer fixture
    expected = role in {"engineer", "supervisor", "admin_user"}
    assert (change_refusal(user, change, "edit") == "") is expected
