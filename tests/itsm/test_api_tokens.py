"""Personal API tokens: hashed, shown once, expiring, revoked by a password change."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from itsm.models import ApiToken
from itsm.tokens import token_issue, token_revoke

pytestmark = pytest.mark.django_db


def _get(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/people/me/")


def test_the_key_is_stored_only_as_a_hash(agent):
    token, key = token_issue(actor=agent, user=agent, name="脚本")
    row = ApiToken.objects.get(pk=token.pk)
    assert key not in {row.key_hash, row.prefix, row.name}
    assert key.startswith(row.prefix)
    assert _get(key).status_code == 200


def test_a_token_expires(agent):
    _token, key = token_issue(actor=agent, user=agent, name="脚本", days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert _get(key).status_code in (401, 403)


def test_changing_the_password_revokes_every_token(agent):
    _token, key = token_issue(actor=agent, user=agent, name="脚本")
    agent.set_password("Another-Horse-77")
    agent.save()
    assert _get(key).status_code in (401, 403)


def test_a_revoked_token_is_refused(agent):
    token, key = token_issue(actor=agent, user=agent, name="脚本")
    token_revoke(actor=agent, token=token)
    assert _get(key).status_code in (401, 403)


def test_users_manage_only_their_own_tokens(agent, engineer):
    from django.core.exceptions import PermissionDenied

    token, _key = token_issue(actor=agent, user=agent, name="脚本")
    with pytest.raises(PermissionDenied):
        token_revoke(actor=engineer, token=token)
    with pytest.raises(PermissionDenied):
        token_issue(actor=engineer, user=agent, name="冒名")


def test_the_page_shows_the_key_once_and_lists_tokens_by_prefix(client, agent, engineer):
    client.force_login(agent)
    response = client.post(reverse("api-tokens"), {"name": "监控脚本", "days": 30})
    body = response.content.decode()
    token = ApiToken.objects.get(user=agent)
    key = body.split('id="new-token-key">')[1].split("<")[0]
    assert key.startswith(token.prefix) and _get(key).status_code == 200
    again = client.get(reverse("api-tokens")).content.decode()
    assert key not in again and token.prefix in again and "监控脚本" in again

    # Someone else's token cannot be revoked through the page.
    client.force_login(engineer)
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_nameless_token_is_refused_with_a_message(client, agent):
    client.force_login(agent)
    response = client.post(reverse("api-tokens"), {"name": "", "days": 30})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_admin_never_shows_a_key(client, admin_user, agent):
    token, key = token_issue(actor=agent, user=agent, name="脚本")
    client.force_login(admin_user)
    page = client.get(reverse("admin:itsm_apitoken_changelist")).content.decode()
    assert token.prefix in page and key not in page
