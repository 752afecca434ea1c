"""Headers and request hygiene that every page gets from itsm/middleware.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


@pytest.mark.parametrize(
    "path",
    ["/incidents/?q=%00", "/cmdb/?q=%00", "/knowledge/?q=%00", "/api/incidents/?search=%00"],
)
def test_a_nul_byte_in_the_query_is_a_400_not_a_500(client, agent, path):
    client.force_login(agent)
    assert client.get(path).status_code == 400


def test_a_nul_byte_in_the_path_is_a_400(client, agent):
    client.force_login(agent)
    assert client.get("/incidents/D0201-2026%0001/").status_code == 400


def test_pages_carry_a_content_security_policy_without_inline_script(client, end_user):
    client.force_login(end_user)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert "camera=(self)" in response["Permissions-Policy"]


def test_json_answers_carry_no_csp_but_the_permissions_policy(client, agent):
    client.force_login(agent)
    response = client.get("/readyz")
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" in response


def test_api_docs_work_under_the_policy(client, agent):
    client.force_login(agent)
    page = client.get(reverse("api-docs")).content.decode()
    assert not INLINE_SCRIPT.search(page)


def _templates():
    return sorted(p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts)


def test_no_template_has_inline_script_or_event_handler_attributes():
    """The policy would block them: behaviour goes into static files (e.g. itsm/site.js)."""
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
