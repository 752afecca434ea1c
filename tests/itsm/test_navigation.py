"""The menu is drawn once per user and language and drawn again when roles or
permissions change (itsm.navigation)."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.choices import Role

pytestmark = pytest.mark.django_db

REPORTS = reverse("reports:dashboard")


def _menu(client, language="en"):
    page = client.get(reverse("servicedesk:profile"), headers={"Accept-Language": language})
    assert page.status_code == 200
    body = page.content.decode()
    menu = body[body.index('id="mainnav"') : body.index("</nav>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", menu)  # new each time


def test_the_menu_asks_no_permission_query_once_drawn(client, agent):
    client.force_login(agent)
    first = _menu(client)
    with CaptureQueriesContext(connection) as queries:
        assert _menu(client) == first
    assert not [q for q in queries if "auth_permission" in q["sql"]]


def test_a_new_role_shows_in_the_menu_at_once(client, end_user):
    client.force_login(end_user)
    assert reverse("cmdb:ci_list") not in _menu(client)
    end_user.groups.add(Group.objects.get(name=Role.SERVICE_DESK))
    assert reverse("cmdb:ci_list") in _menu(client)
    end_user.groups.remove(Group.objects.get(name=Role.SERVICE_DESK))
    assert reverse("cmdb:ci_list") not in _menu(client)


def test_a_permission_given_to_a_group_or_a_user_shows_at_once(client, end_user):
    client.force_login(end_user)
    assert REPORTS not in _menu(client)
    view_report = Permission.objects.get(codename="view_report", content_type__app_label="reports")
    end_user.user_permissions.add(view_report)
    assert REPORTS in _menu(client)
    end_user.user_permissions.remove(view_report)
    assert REPORTS not in _menu(client)
    group = Group.objects.get(name=Role.END_USER)
    group.permissions.add(view_report)
    assert REPORTS in _menu(client)


def test_each_user_and_language_has_its_own_menu(client, agent, end_user):
    client.force_login(agent)
    english = _menu(client, "en")
    chinese = _menu(client, "zh-hans")
    assert "Assets" in english and "Assets" not in chinese
    client.force_login(end_user)
    assert reverse("cmdb:ci_list") not in _menu(client, "en")


def test_signing_in_or_a_new_colleague_does_not_redraw_a_menu(client, agent, make_person):
    from itsm.navigation import nav_version

    client.force_login(agent)
    _menu(client)
    before = nav_version(agent)
    client.force_login(agent)  # saves last_login
    make_person(Role.ENGINEER, username="newcomer")  # someone else joins a group
    assert nav_version(agent) == before


def test_a_group_given_to_users_from_its_side_redraws_their_menus(client, end_user):
    client.force_login(end_user)
    assert reverse("cmdb:ci_list") not in _menu(client)
    Group.objects.get(name=Role.SERVICE_DESK).user_set.add(end_user)
    assert reverse("cmdb:ci_list") in _menu(client)
