"""The signed-in user comes with their person and their roles in one query (issue 17)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.auth_backends import PersonModelBackend
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_roles

pytestmark = pytest.mark.django_db


def test_roles_come_with_the_user(engineer):
    odd = '现场组, 三楼 \x1f"[\\'  # any name: commas, control characters, quotes, brackets
    engineer.groups.add(Group.objects.create(name=odd))
    with CaptureQueriesContext(connection) as queries:
        user = PersonModelBackend().get_user(engineer.pk)
        roles = user_roles(user)
        assert user.person.name == engineer.person.name
    assert len(queries) == 1
    assert roles == {Role.ENGINEER, odd}


def test_a_user_without_roles_and_a_superuser(make_person, admin_user):
    nobody = make_person()
    nobody.groups.clear()
    assert user_roles(PersonModelBackend().get_user(nobody.pk)) == set()
    admin_user.is_superuser = True
    admin_user.save()
    assert Role.ADMIN in user_roles(PersonModelBackend().get_user(admin_user.pk))


def test_a_role_given_is_seen_on_the_next_request(client, end_user):
    client.force_login(end_user)
    assert client.get("/incidents/").status_code == 403  # the queue is for staff
    end_user.groups.add(Group.objects.get(name=Role.SERVICE_DESK))
    assert client.get("/incidents/").status_code == 200
    assert is_staff_role(PersonModelBackend().get_user(end_user.pk))


def test_an_inactive_user_is_not_signed_in(engineer):
    engineer.is_active = False
    engineer.save()
    assert PersonModelBackend().get_user(engineer.pk) is None


def test_the_bells_count_comes_with_the_user_and_counts_only_unread(engineer, end_user):
    from servicedesk.notifications import notify
    from servicedesk.selectors import notification_unread_count
    from servicedesk.services import notifications_mark_read

    for i in range(3):
        notify(recipients=[engineer], subject=f"通知{i}", mail=False)
    notify(recipients=[end_user], subject="别人的", mail=False)
    first = engineer.notifications.order_by("pk").first()
    notifications_mark_read(user=engineer, pk=first.pk)
    with CaptureQueriesContext(connection) as queries:
        user = PersonModelBackend().get_user(engineer.pk)
        assert notification_unread_count(user=user) == 2
    assert len(queries) == 1
    nobody_told = PersonModelBackend().get_user(end_user.__class__.objects.create_user("quiet").pk)
    assert notification_unread_count(user=nobody_told) == 0


def test_a_notice_given_or_read_in_the_request_is_counted_afresh(engineer):
    """The count read with the user is the request's start: after a notice is given or
    read in the request, to whichever user object, the bell is counted again."""
    from servicedesk.notifications import notify, notify_many
    from servicedesk.selectors import notification_unread_count
    from servicedesk.services import notifications_mark_read

    user = PersonModelBackend().get_user(engineer.pk)
    assert notification_unread_count(user=user) == 0
    # Recipients are mostly read afresh (by role, the assignee…), not the signed-in object.
    notify(recipients=[engineer.__class__.objects.get(pk=engineer.pk)], subject="已派单")
    assert notification_unread_count(user=user) == 1
    user = PersonModelBackend().get_user(engineer.pk)
    notify_many([([engineer.__class__.objects.get(pk=engineer.pk)], "巡检提醒", "", "")])
    assert notification_unread_count(user=user) == 2
    user = PersonModelBackend().get_user(engineer.pk)
    notifications_mark_read(user=engineer.__class__.objects.get(pk=engineer.pk))
    assert notification_unread_count(user=user) == 0


def test_the_bell_counts_up_to_a_cap_and_shows_99_plus(client, engineer):
    from servicedesk.notifications import notify_many
    from servicedesk.selectors import UNREAD_CAP, notification_unread_count

    notify_many([([engineer], f"巡检提醒{i}", "", "") for i in range(UNREAD_CAP + 5)])
    assert notification_unread_count(user=PersonModelBackend().get_user(engineer.pk)) == 100
    assert notification_unread_count(user=engineer) == UNREAD_CAP  # counted without it
    client.force_login(engineer)
    page = client.get(reverse("home")).content.decode()
    assert 'text-bg-danger">99+<' in page and "超过 99 条未读" in page
    engineer.notifications.filter(pk__in=engineer.notifications.values("pk")[:6]).update(
        read_at=engineer.date_joined
    )
    assert 'text-bg-danger">99<' in client.get(reverse("home")).content.decode()


def test_the_bell_on_a_page_follows_notices(client, engineer):
    """A notice given and the bell drawn in the same request: the page counts it."""
    from django.template import Context, Template
    from django.test import RequestFactory

    from itsm.context_processors import site
    from servicedesk.notifications import notify

    notify(recipients=[engineer], subject="已派单", mail=False)
    request = RequestFactory().get("/")
    request.user = PersonModelBackend().get_user(engineer.pk)
    assert site(request)["unread_notifications"]() == 1
    notify(recipients=[engineer.__class__.objects.get(pk=engineer.pk)], subject="已升级")
    bell = Template("{{ unread_notifications }}").render(Context(site(request)))
    assert bell == "2"
