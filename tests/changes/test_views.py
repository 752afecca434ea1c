import pytest
from django.urls import reverse

from changes import services
from changes.choices import ChangeStatus
from changes.models import ChangeRequest
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db


def test_end_users_are_refused_the_change_pages(client, end_user):
    client.force_login(end_user)
    assert client.get(reverse("changes:list")).status_code == 403
    assert client.get(reverse("changes:calendar")).status_code == 403


def test_change_list_query_count_stays_flat(
    client, supervisor, make_change, printer, django_assert_max_num_queries
):
    make_change(items=[printer])
    client.force_login(supervisor)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("changes:list")).status_code == 200
    for _ in range(10):
        make_change(items=[printer])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("changes:list"))
    assert response.content.count(b"D0501-") >= 11


def test_engineer_raises_a_change_with_items_by_asset_tag(client, engineer, printer):
    client.force_login(engineer)
    response = client.post(
        reverse("changes:create"),
        {
            "summary": "更换定影组件",
            "type": "normal",
            "risk": "medium",
            "affected_items": "pr-301",
            "implementation_plan": "换",
            "rollback_plan": "装回",
            "planned_start": "2031-03-10T18:00",
            "planned_end": "2031-03-10T20:00",
        },
    )
    change = ChangeRequest.objects.get()
    assert response.status_code == 302
    assert list(change.affected_items.all()) == [printer]


def test_detail_lists_the_affected_users(client, supervisor, make_change, make_item, make_person):
    user = make_person(username="u1", name="打印机用户")
    change = make_change(items=[make_item(responsible=user)])
    client.force_login(supervisor)
    assert "打印机用户" in client.get(change.get_absolute_url()).content.decode()


def test_approver_approves_on_the_page(client, awaiting, ops_approver):
    change = awaiting()
    client.force_login(ops_approver)
    page = client.get(change.get_absolute_url()).content.decode()
    assert reverse("changes:act", args=[change.number, "approve"]) in page
    response = client.post(
        reverse("changes:act", args=[change.number, "approve"]),
        {"approve-comment": "同意", "approve-lock_version": change.lock_version},
    )
    assert response.status_code == 302
    assert change.approvals.get(approver=ops_approver).comment == "同意"


def test_approving_twice_on_the_page_shows_the_refusal(client, awaiting, ops_approver):
    change = awaiting()
    services.change_approve(change=change, actor=ops_approver)
    client.force_login(ops_approver)
    response = client.post(
        reverse("changes:act", args=[change.number, "approve"]),
        {"approve-comment": ""},
        follow=True,
    )
    assert "already decided" in response.content.decode()


def test_calendar_flags_the_conflict(client, supervisor, make_change, printer):
    from .conftest import at

    for hour in (18, 19):
        change = make_change(items=[printer], start=at(5, hour), end=at(5, hour + 2))
        services.change_submit(change=change, actor=change.requester)
    client.force_login(supervisor)
    body = client.get(reverse("changes:calendar") + "?month=2031-03").content.decode()
    assert "PR-301" in body
    assert "bi-exclamation-triangle" in body
    assert ChangeRequest.objects.filter(status=ChangeStatus.SUBMITTED).count() == 2


def test_a_script_in_the_summary_shows_as_text(client, supervisor, make_change):
    change = make_change(summary="<script>alert(1)</script>")
    client.force_login(supervisor)
    body = client.get(change.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body


def test_a_supervisor_sees_why_they_cannot_approve_their_own_change(client, awaiting, make_person):
    boss = make_person(Role.SUPERVISOR, username="boss")
    change = awaiting(actor=boss, owner=boss)
    client.force_login(boss)
    page = client.get(change.get_absolute_url()).content.decode()
    assert "You requested this change; another approver must decide." in page
    assert reverse("changes:act", args=[change.number, "approve"]) not in page
    response = client.post(
        reverse("changes:act", args=[change.number, "approve"]),
        {"approve-comment": ""},
        follow=True,
    )
    assert "You requested this change; another approver must decide." in response.content.decode()


def test_the_change_form_refuses_a_window_that_ends_before_it_starts(db):
    from changes.forms import ChangeForm

    form = ChangeForm(
        {
            "summary": "打印机驱动升级",
            "type": "normal",
            "risk": "low",
            "planned_start": "2031-03-10 20:00",
            "planned_end": "2031-03-10 18:00",
        }
    )
    assert not form.is_valid()
    assert form.errors["planned_end"] == ["The planned end must be after the start."]
