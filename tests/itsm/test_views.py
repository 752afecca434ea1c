import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_login_page_in_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    assert "Log in" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_wrong_password_and_unknown_user_get_the_same_answer(client, end_user):
    known = _login(client, "enduser", "wrong-password").content.decode()
    unknown = _login(client, "nobody-here", "wrong-password").content.decode()
    message = "用户名或密码错误"
    assert message in known
    assert message in unknown


def test_repeated_failures_lock_the_login_even_with_the_right_password(client, end_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "enduser", "wrong")
    response = _login(client, "enduser", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_reaches_home(client, end_user):
    response = _login(client, "enduser", PASSWORD)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert "王芳" in home.content.decode()


def test_staff_home_shows_service_levels(client, agent):
    client.force_login(agent)
    body = client.get(reverse("home")).content.decode()
    assert "VIP" in body and "标准" in body


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"


def test_password_change_errors_show_next_to_the_field_in_chinese(client, end_user):
    client.force_login(end_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "invalid-feedback" in body
    assert "你的旧密码不正确" in body


def test_static_assets_are_vendored_not_from_a_cdn(client, end_user):
    client.force_login(end_user)
    body = client.get(reverse("home")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    # Every asset and link stays on this host. (Not a search for "cdn": a random CSRF
    # token contains those letters now and then.)
    assert re.findall(r"""(?:src|href|action)\s*=\s*["']\s*(?:https?:)?//""", body, re.I) == []
    assert "https://" not in body
