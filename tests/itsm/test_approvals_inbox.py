"""The approvals inbox on the pages and in the API: home card, /approvals/, nav count."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from itsm import approvals
from itsm.approvals import PendingDecision
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def decision(number, *, hours=0, title="审批事项", process="test"):
    return PendingDecision(
        process=process,
        kind="测试审批",
        number=number,
        title=title,
        requested_by="张伟",
        since=T0 + timedelta(hours=hours),
        url=f"/decide/{number}/",
    )


@pytest.fixture
def providers(monkeypatch):
    """An inbox with only the providers a test registers (the real ones restored after)."""
    monkeypatch.setattr(approvals, "_providers", {})
    return approvals


def test_demo_approvers_see_their_pending_change_and_release_decisions_on_their_home_page(
    client, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects.in_bulk(
        ["approver", "approver2", "supervisor", "engineer", "enduser"], field_name="username"
    )

    def home(username):
        client.force_login(users[username])
        response = client.get(reverse("home"))
        assert response.status_code == 200
        return response.content.decode()

    # The demo: change 人事处电脑更换内存 signed by the supervisor, waiting for both bodies;
    # release 登记系统 V3.2.0 authorised by 运维部 (approver), waiting for 信息中心 (approver2).
    ops = home("approver")
    assert "待我审批" in ops
    assert "人事处电脑更换内存" in ops and "变更审批" in ops
    assert "登记系统" not in ops  # approver decided on the release already

    info = home("approver2")
    assert "人事处电脑更换内存" in info
    assert "登记系统" in info and "发布授权" in info
    # Besides the change and the release, the information centre has document decisions.
    processes = [d.process for d in approvals.pending_for(users["approver2"])]
    assert [p for p in processes if p in ("changes", "releases")] == ["changes", "releases"]
    assert "documents" in processes

    # The supervisor signed the change; the engineer requested it; the end user signs nothing.
    for username in ("supervisor", "engineer", "enduser"):
        assert "人事处电脑更换内存" not in home(username), username


def test_the_approvals_page_lists_each_decision_with_what_and_who_and_since(
    client, approver, providers
):
    providers.register("test", lambda user: [decision("T-2", hours=2), decision("T-1")])
    client.force_login(approver)
    body = client.get(reverse("approvals")).content.decode()
    assert body.index("T-1") < body.index("T-2")  # oldest first
    for text in ("测试审批", "审批事项", "张伟", "2026-12-01 17:00", 'href="/decide/T-1/"'):
        assert text in body


def test_user_text_in_a_decision_is_escaped(client, approver, providers):
    providers.register("test", lambda user: [decision("T-1", title="<script>alert(1)</script>")])
    client.force_login(approver)
    body = client.get(reverse("approvals")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_nav_shows_the_count_only_to_whom_something_waits(client, approver, providers):
    client.force_login(approver)
    assert client.get(reverse("approval_nav")).content.strip() == b""
    providers.register("test", lambda user: [decision("T-1"), decision("T-2")])
    nav = client.get(reverse("approval_nav")).content.decode()
    assert reverse("approvals") in nav and ">2<" in nav


def test_pages_ask_for_the_nav_count_only_for_users_who_may_decide(client, approver, end_user):
    client.force_login(end_user)
    assert (
        reverse("approval_nav") not in client.get(reverse("servicedesk:profile")).content.decode()
    )
    client.force_login(approver)
    assert reverse("approval_nav") in client.get(reverse("servicedesk:profile")).content.decode()


def test_approver_home_says_when_nothing_waits(client, approver, providers):
    client.force_login(approver)
    body = client.get(reverse("home")).content.decode()
    assert "waiting-for-me" in body and "没有待您决定的事项" in body


def test_api_lists_my_pending_decisions_read_only(client, approver, providers):
    providers.register("test", lambda user: [decision("T-2", hours=1), decision("T-1")])
    client.force_login(approver)
    response = client.get(reverse("approval-list"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["number"] for row in rows] == ["T-1", "T-2"]
    assert set(rows[0]) == {"process", "kind", "number", "title", "requested_by", "since", "url"}
    assert client.post(reverse("approval-list"), {}).status_code == 405


def test_api_refuses_anonymous_callers(client):
    assert client.get(reverse("approval-list")).status_code in (401, 403)


def test_api_schema_documents_the_inbox(client, admin_user):
    client.force_login(admin_user)
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/approvals/"]["get"]
    assert "Decisions waiting for me" in operation["summary"]
    assert set(schema["components"]["schemas"]["PendingDecision"]["properties"]) >= {
        "number",
        "kind",
        "title",
        "requested_by",
        "since",
        "url",
    }
    assert not any(m in schema["paths"]["/api/approvals/"] for m in ("post", "put", "delete"))


@pytest.mark.parametrize("role", [Role.SERVICE_DESK, Role.ENGINEER])
def test_staff_homes_show_the_waiting_list_only_when_something_waits(
    client, make_person, providers, role
):
    user = make_person(role)
    client.force_login(user)
    assert "waiting-for-me" not in client.get(reverse("home")).content.decode()
    providers.register("test", lambda user: [decision("T-1")])
    assert "waiting-for-me" in client.get(reverse("home")).content.decode()


def test_nav_count_answers_empty_when_signed_out(client):
    response = client.get(reverse("approval_nav"))
    assert response.status_code == 200 and response.content == b""
