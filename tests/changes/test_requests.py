"""Requests for change from end users and the desk: raised, kept as drafts or sent,
triaged by the change manager, and seen only by their requester (besides change staff)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from changes import requests
from changes.choices import ChangeOrigin, ChangeStatus
from changes.models import ChangeRequest
from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh_client(client, settings):
    """This package's client reads English; these pages are checked in Chinese too."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def _raise(user, send=True, **kwargs):
    kwargs.setdefault("summary", "会议室电脑安装视频会议客户端")
    kwargs.setdefault("reason", "周例会改为视频会议")
    return requests.change_request_raise(actor=user, send=send, **kwargs)


def test_an_end_user_sends_a_request_and_the_change_manager_is_told(end_user, supervisor):
    change = _raise(end_user)
    assert change.status == ChangeStatus.SUBMITTED and change.submitted_at
    assert change.raised_via == ChangeOrigin.END_USER and change.requester == end_user
    assert Notification.objects.filter(recipient=supervisor, subject__contains=change.number)


def test_the_desk_raises_requests_marked_as_from_the_desk(agent):
    assert _raise(agent, send=False).raised_via == ChangeOrigin.DESK


def test_a_request_needs_what_and_why_in_the_users_language(end_user):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        _raise(end_user, summary=" ", reason="")
    assert set(caught.value.message_dict) == {"summary", "reason"}
    assert "原因" in " ".join(caught.value.message_dict["reason"])
    assert not ChangeRequest.objects.exists()


def test_end_users_see_only_their_own_requests(end_user, make_person, engineer):
    other = make_person(Role.END_USER, username="other")
    mine, theirs = _raise(end_user), _raise(other)
    staff_change = ChangeRequest.objects.create(summary="服务器补丁", requester=engineer)
    assert list(ChangeRequest.objects.restrict(end_user, "view")) == [mine]
    assert permits(end_user, mine) and not permits(end_user, theirs)
    assert not permits(end_user, staff_change)
    assert list(requests.change_requests_mine(user=end_user)) == [mine]


def test_a_requester_edits_and_sends_their_draft_but_not_once_sent(end_user):
    draft = _raise(end_user, send=False)
    sent = requests.change_request_update(
        change=draft,
        actor=end_user,
        summary="新的说明",
        reason="原因",
        send=True,
        lock_version=draft.lock_version,
    )
    assert sent.status == ChangeStatus.SUBMITTED and sent.summary == "新的说明"
    with pytest.raises((PermissionDenied, ValidationError)):
        requests.change_request_update(
            change=sent, actor=end_user, summary="再改", reason="原因", send=False
        )


def test_only_the_change_manager_triages(end_user, agent, engineer, supervisor):
    change = _raise(end_user)
    with pytest.raises(PermissionDenied):
        requests.change_request_take_up(change=change, actor=agent, owner=engineer)
    assert list(requests.change_requests_to_triage(user=agent)) == []
    assert list(requests.change_requests_to_triage(user=supervisor)) == [change]
    taken = requests.change_request_take_up(
        change=change, actor=supervisor, owner=engineer, note="请张伟出方案"
    )
    assert taken.status == ChangeStatus.DRAFT and taken.owner == engineer
    assert Notification.objects.filter(recipient=end_user, subject__contains=change.number)
    # Now the implementer's to plan: the requester can no longer edit it, still sees it.
    assert not permits(end_user, taken, "edit") and permits(end_user, taken)
    assert permits(engineer, taken, "edit")


def test_declining_needs_a_reason_the_requester_reads(zh_client, end_user, supervisor):
    client = zh_client
    change = _raise(end_user)
    with pytest.raises(ValidationError):
        requests.change_request_decline(change=change, actor=supervisor, note=" ")
    requests.change_request_decline(change=change, actor=supervisor, note="属于采购事项")
    client.force_login(end_user)
    page = client.get(reverse("changes:request_detail", args=[change.number])).content.decode()
    assert "属于采购事项" in page and "已拒绝" in page


def test_the_request_pages_in_chinese_and_english(zh_client, end_user, settings):
    client = zh_client
    client.force_login(end_user)
    response = client.post(
        reverse("changes:request_create"),
        {"summary": "<b>加装</b>软件", "reason": "需要", "needed_by": "2031-03-01", "send": "1"},
    )
    change = ChangeRequest.objects.get()
    assert response["Location"] == reverse("changes:request_detail", args=[change.number])
    listing = client.get(reverse("changes:requests")).content.decode()
    assert "我的申请" in listing and "&lt;b&gt;加装&lt;/b&gt;" in listing
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("changes:requests")).content.decode()
    assert "My requests" in english
    bad = client.post(reverse("changes:request_create"), {"summary": "", "reason": ""})
    assert bad.status_code == 400
    # The full change page is for change staff: the requester is sent to the request page.
    full = client.get(reverse("changes:detail", args=[change.number]))
    assert full["Location"] == reverse("changes:request_detail", args=[change.number])
    assert client.get(reverse("changes:list")).status_code == 403


def test_the_triage_page_takes_a_request_up(client, end_user, supervisor, engineer):
    change = _raise(end_user)
    client.force_login(supervisor)
    listing = client.get(reverse("changes:requests")).content.decode()
    assert change.number in listing
    response = client.post(
        reverse("changes:request_detail", args=[change.number]),
        {
            "action": "take_up",
            "take_up-owner": engineer.pk,
            "take_up-note": "",
            "take_up-lock_version": change.lock_version,
        },
    )
    assert response.status_code == 302
    assert ChangeRequest.objects.get().owner == engineer


def test_the_request_list_reads_a_flat_number_of_queries(
    client, end_user, supervisor, django_assert_max_num_queries
):
    _raise(end_user)
    client.force_login(supervisor)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("changes:requests"))
    for n in range(8):
        _raise(end_user, summary=f"申请 {n}")
        _raise(supervisor, summary=f"我的申请 {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("changes:requests"))


def test_the_api_lets_any_account_request_and_list_its_own(end_user, make_person):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(end_user)
    made = api.post(
        "/api/change-requests/", {"summary": "加装软件", "reason": "需要", "send": True}
    )
    assert made.status_code == 201 and made.json()["status"] == "submitted"
    other = make_person(Role.END_USER, username="other")
    api.force_authenticate(other)
    rows = api.get("/api/change-requests/").json()
    assert rows.get("results", rows) == []
    assert api.get("/api/changes/").status_code == 403
