import pytest
from django.urls import reverse

from servicedesk.models import Person

pytestmark = pytest.mark.django_db


def test_profile_error_is_shown_next_to_the_field_and_nothing_is_saved(client, end_user):
    client.force_login(end_user)
    response = client.post(
        reverse("servicedesk:profile"),
        {"phone": "<script>alert(1)</script>", "mobile": "13900000000", "email": "not-an-email"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "invalid-feedback" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    person = Person.objects.get(user=end_user)
    assert person.mobile == ""  # the valid field was not half-saved either


def test_end_user_cannot_open_the_people_directory(client, end_user):
    client.force_login(end_user)
    assert client.get(reverse("servicedesk:people")).status_code == 403


def test_desk_finds_people_by_name_or_department(client, agent, make_person):
    make_person(name="来电人甲")
    client.force_login(agent)
    body = client.get(reverse("servicedesk:people"), {"q": "来电人"}).content.decode()
    assert "来电人甲" in body


def test_people_directory_queries_stay_flat(
    client, agent, make_person, django_assert_max_num_queries
):
    client.force_login(agent)
    for _ in range(3):
        make_person()
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("servicedesk:people"))
    for _ in range(30):
        make_person()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("servicedesk:people"))


def test_calendar_page_lists_national_day(client, agent, django_capture_on_commit_callbacks):
    from servicedesk.calendar import holidays_sync

    holidays_sync(years=[2026])
    client.force_login(agent)
    body = client.get(reverse("servicedesk:calendar"), {"year": "2026"}).content.decode()
    assert "国庆节" in body
    assert "2026-09-20" in body


def test_profile_lists_the_users_roles(client, agent):
    client.force_login(agent)
    body = client.get(reverse("servicedesk:profile")).content.decode()
    assert "服务台" in body


def test_forbidden_page_is_the_portals_own_in_chinese(client, end_user):
    client.force_login(end_user)
    response = client.get(reverse("servicedesk:people"))
    assert response.status_code == 403
    assert "您无权执行此操作" in response.content.decode()


def test_notifications_bell_page_and_mark_read(client, end_user):
    from servicedesk.models import Notification
    from servicedesk.notifications import notify

    notify(
        recipients=[end_user],
        subject="[D0201-2026112901] <b>已派单</b>",
        url="/incidents/D0201-2026112901/",
        mail=False,
    )
    client.force_login(end_user)
    home = client.get(reverse("home")).content.decode()
    assert 'text-bg-danger">1<' in home
    page = client.get(reverse("servicedesk:notifications")).content.decode()
    assert "&lt;b&gt;已派单&lt;/b&gt;" in page
    note = Notification.objects.get()
    response = client.post(
        reverse("servicedesk:notifications"), {"notification": note.pk, "next": note.url}
    )
    assert response.url == "/incidents/D0201-2026112901/"
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example.com/",
        "/\\evil.example.com/",
        "/\\/evil.example.com/",
        "https://evil.example.com/",
        "javascript:alert(1)",
    ],
)
def test_notifications_never_redirect_off_site(client, end_user, target):
    client.force_login(end_user)
    response = client.post(reverse("servicedesk:notifications"), {"next": target})
    assert response.url == reverse("servicedesk:notifications")


def test_notifications_follow_a_link_on_this_site(client, end_user):
    client.force_login(end_user)
    response = client.post(reverse("servicedesk:notifications"), {"next": "/incidents/mine/"})
    assert response.url == "/incidents/mine/"
