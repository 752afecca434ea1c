"""Login throttling behind the customer's TLS proxy locks the attacker, not everyone."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from itsm.client_ip import client_ip

factory = RequestFactory()


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **meta)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(_request("10.0.0.9", "1.2.3.4")) == "10.0.0.9"


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.1.2.3"]
    assert client_ip(_request("10.1.2.3", "172.16.5.20")) == "172.16.5.20"
    # A client's own X-Forwarded-For is only a prefix; the proxy's entry is the last one.
    assert client_ip(_request("10.1.2.3", "8.8.8.8, 172.16.5.21")) == "172.16.5.21"


def test_a_header_from_an_untrusted_sender_is_ignored(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.1.2.3"]
    assert client_ip(_request("172.16.5.22", "1.1.1.1")) == "172.16.5.22"


def test_chained_trusted_proxies_and_garbage(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.1.2.0/28"]
    assert client_ip(_request("10.1.2.3", "172.16.5.23, 10.1.2.4")) == "172.16.5.23"
    assert client_ip(_request("10.1.2.3", "not-an-ip")) == "10.1.2.3"


@pytest.mark.django_db
def test_one_users_failed_logins_do_not_lock_out_a_colleague_behind_the_same_proxy(
    client, settings, end_user, agent
):
    from tests.conftest import PASSWORD

    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXIES = ["10.1.2.3"]
    settings.AXES_LOCKOUT_PARAMETERS = ["ip_address"]  # the strictest: by address alone
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post(
            url,
            {"username": end_user.username, "password": "wrong"},
            REMOTE_ADDR="10.1.2.3",
            HTTP_X_FORWARDED_FOR="172.16.5.30",
        )
    response = client.post(
        url,
        {"username": agent.username, "password": PASSWORD},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="172.16.5.31",
    )
    assert response.status_code == 302  # the colleague at another desk still logs in
