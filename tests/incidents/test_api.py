"""The work-order API: same visibility and rules as the pages, errors as HTTP answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from incidents import services
from incidents.choices import Status
from incidents.models import WorkOrder

pytestmark = pytest.mark.django_db

URL = "/api/incidents/"


@pytest.fixture
def api():
    # The assertions read English messages; the API answers in the asker's language.
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def as_user(user):
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def act(client, order, name, **body):
    """POST an action; unless the test says otherwise, with the current lock_version."""
    if "lock_version" not in body:
        body["lock_version"] = WorkOrder.objects.get(pk=order.pk).lock_version
    return client.post(f"{URL}{order.number}/{name}/", body, format="json")


def test_end_user_sees_only_own_work_orders(file_order, end_user, make_person):
    mine = file_order(title="我的打印机卡纸")
    other = make_person(username="colleague")
    file_order(title="别人的电脑蓝屏", actor=other, requester=other)

    rows = as_user(end_user).get(URL).json()["results"]

    assert [r["number"] for r in rows] == [mine.number]


def test_end_user_cannot_open_someone_elses_work_order(file_order, end_user, make_person):
    other = make_person(username="colleague")
    theirs = file_order(actor=other, requester=other)

    assert as_user(end_user).get(f"{URL}{theirs.number}/").status_code == 404


def test_engineer_sees_assigned_work_orders_only(file_order, agent, engineer):
    assigned = file_order(title="已派单")
    file_order(title="未派单")
    services.work_order_assign(work_order=assigned, actor=agent, assignee=engineer)

    rows = as_user(engineer).get(URL).json()["results"]

    assert [r["number"] for r in rows] == [assigned.number]


def test_desk_sees_all(file_order, agent, make_person):
    other = make_person(username="colleague")
    file_order()
    file_order(actor=other, requester=other)

    assert as_user(agent).get(URL).json()["count"] == 2


def test_filing_a_fault_gives_a_d0201_number_and_due_times(end_user):
    response = as_user(end_user).post(
        URL,
        {"title": "打印机卡纸", "description": "三楼打印机卡纸", "urgency": "high"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("D0201-")
    assert body["status"] == "new"
    assert body["channel"] == "api"
    assert body["requester"] == end_user.pk
    assert body["priority"] == "P3"
    assert body["service_level"] == "standard"
    assert body["response_due_at"] and body["resolve_due_at"]
    assert body["response_due_at"] < body["resolve_due_at"]
    assert body["lock_version"] >= 1


def test_desk_files_a_phone_call_on_behalf_of_a_caller(agent, end_user):
    response = as_user(agent).post(
        URL,
        {"title": "电脑无法开机", "requester": end_user.pk, "channel": "phone"},
        format="json",
    )

    assert response.status_code == 201, response.content
    order = WorkOrder.objects.get(number=response.json()["number"])
    assert (order.requester, order.created_by, order.channel) == (end_user, agent, "phone")


def test_end_user_cannot_file_for_someone_else_nor_choose_the_channel(end_user, make_person):
    other = make_person(username="colleague")
    client = as_user(end_user)

    refused = client.post(URL, {"title": "代报", "requester": other.pk}, format="json")
    own = client.post(URL, {"title": "自己报", "channel": "phone"}, format="json")

    assert refused.status_code == 403
    assert "on someone else's behalf" in refused.json()["detail"]
    assert own.json()["channel"] == "api"


def test_a_fault_without_a_title_is_refused_field_by_field(end_user):
    response = as_user(end_user).post(URL, {"description": "没有标题"}, format="json")

    assert response.status_code == 400
    assert "title" in response.json()


def test_work_order_is_found_by_number_or_id(file_order, end_user):
    order = file_order()
    client = as_user(end_user)

    assert client.get(f"{URL}{order.number}/").json()["id"] == order.pk
    assert client.get(f"{URL}{order.pk}/").json()["number"] == order.number


def test_the_whole_lifecycle_through_the_actions(file_order, end_user, agent, engineer):
    order = file_order()
    desk, eng, user = as_user(agent), as_user(engineer), as_user(end_user)

    steps = [
        (desk, "assign", {"assignee": engineer.pk, "note": "请处理"}, "assigned"),
        (eng, "start", {}, "in_progress"),
        (eng, "hold", {"reason": "parts", "note": "等硒鼓"}, "on_hold"),
        (eng, "resume", {}, "in_progress"),
        (eng, "resolve", {"resolution": "更换硒鼓"}, "resolved"),
        (user, "reopen", {"note": "还是卡纸"}, "reopened"),
        (eng, "start", {}, "in_progress"),
        (eng, "resolve", {"resolution": "清理搓纸轮"}, "resolved"),
        (user, "rate", {"rating": 5, "comment": "很快"}, "resolved"),
        (desk, "callback", {"reached": True, "satisfaction": 5}, "closed"),
    ]
    for client, name, body, expected in steps:
        response = act(client, order, name, **body)
        assert response.status_code == 200, (name, response.content)
        assert response.json()["status"] == expected, name

    order.refresh_from_db()
    assert order.rating == 5
    assert order.responded_at is not None
    assert order.callbacks.count() == 1


def test_cancel_confirm_escalate_and_reprioritise(file_order, end_user, agent, engineer):
    desk = as_user(agent)
    duplicate = file_order(title="重复")
    response = act(desk, duplicate, "cancel", reason="duplicate")
    assert response.json()["status"] == "cancelled"

    order = file_order()
    assert act(desk, order, "reprioritise", impact="high", urgency="high").json()["priority"] == (
        "P1"
    )
    act(desk, order, "assign", assignee=engineer.pk)
    assert act(as_user(engineer), order, "escalate", note="需要厂商").status_code == 200
    order.refresh_from_db()
    assert order.escalated_at is not None
    act(as_user(engineer), order, "resolve", resolution="重装驱动")
    # Confirmed, it waits for the desk's callback (the customer's callback rule).
    assert act(as_user(end_user), order, "confirm").json()["status"] == "resolved"
    order.refresh_from_db()
    assert order.confirmed_at is not None


def test_an_illegal_transition_is_refused_with_a_message(file_order, agent):
    order = file_order()

    response = act(as_user(agent), order, "resume")

    assert response.status_code == 409
    assert "cannot do this" in response.json()["detail"]
    order.refresh_from_db()
    assert order.status == Status.NEW


def test_bad_action_input_is_a_400_with_field_errors(file_order, agent, engineer):
    order = file_order()
    desk = as_user(agent)
    act(desk, order, "assign", assignee=engineer.pk)

    assert "reason" in act(desk, order, "hold", reason="lunch").json()
    response = act(desk, order, "resolve", resolution="   ")
    assert response.status_code == 400
    assert "resolution" in response.json()


def test_a_stale_lock_version_is_a_conflict(file_order, agent, engineer, supervisor):
    order = file_order()
    seen = as_user(agent).get(f"{URL}{order.number}/").json()["lock_version"]
    act(as_user(supervisor), order, "assign", assignee=engineer.pk, lock_version=seen)

    response = act(as_user(agent), order, "assign", assignee=agent.pk, lock_version=seen)

    assert response.status_code == 409
    assert "reload" in response.json()["detail"]
    order.refresh_from_db()
    assert order.assignee == engineer


def test_a_stale_lock_version_on_a_comment_is_a_conflict_too(file_order, end_user, agent):
    order = file_order()
    act(as_user(agent), order, "comment", body="请问是哪台打印机？")

    response = act(
        as_user(end_user), order, "comment", body="三楼的", lock_version=order.lock_version
    )

    assert response.status_code == 409


ACTION_BODIES = {
    "assign": {"assignee": None},  # filled with the engineer
    "start": {},
    "hold": {"reason": "parts"},
    "resume": {},
    "resolve": {"resolution": "已处理"},
    "reopen": {"note": "还是不行"},
    "confirm": {},
    "close": {},
    "cancel": {"reason": "duplicate"},
    "escalate": {"note": "需要厂商"},
    "forward-to-manager": {},
    "reprioritise": {"impact": "high", "urgency": "high"},
    "rate": {"rating": 5},
    "callback": {"reached": True, "satisfaction": 5},
    "comment": {"body": "补充说明"},
}


@pytest.mark.parametrize("name", ACTION_BODIES)
def test_every_state_changing_call_requires_the_lock_version(file_order, agent, engineer, name):
    """Two clients without it would overwrite each other: a missing one is a 400."""
    order = file_order()
    body = {**ACTION_BODIES[name]}
    if "assignee" in body:
        body["assignee"] = engineer.pk
    before = WorkOrder.objects.get(pk=order.pk)

    response = as_user(agent).post(f"{URL}{order.number}/{name}/", body, format="json")

    assert response.status_code == 400, response.content
    assert "lock_version" in response.json()["lock_version"][0]
    after = WorkOrder.objects.get(pk=order.pk)
    assert (after.status, after.lock_version) == (before.status, before.lock_version)
    assert after.events.count() == before.events.count()


def test_schema_marks_the_lock_version_required(api, agent):
    api.force_authenticate(agent)
    schemas = api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]

    bodies = [name for name in schemas if name.startswith("WorkOrder") and "Request" in name]
    for name in bodies:
        if name != "WorkOrderCreateRequest":  # a new order has nothing to be stale against
            assert "lock_version" in schemas[name]["required"], name


def test_end_user_cannot_assign(file_order, end_user, engineer):
    order = file_order()

    response = act(as_user(end_user), order, "assign", assignee=engineer.pk)

    assert response.status_code == 403
    assert "dispatch" in response.json()["detail"]


def test_engineer_cannot_act_on_an_order_outside_their_queue(file_order, engineer):
    order = file_order()

    assert act(as_user(engineer), order, "start").status_code == 404


def test_internal_notes_are_hidden_from_the_end_user(file_order, end_user, agent):
    order = file_order()
    desk = as_user(agent)
    assert act(desk, order, "comment", body="用户电脑是旧型号", internal=True).status_code == 201
    assert act(desk, order, "comment", body="我们马上处理").status_code == 201

    user_view = as_user(end_user).get(f"{URL}{order.number}/events/").json()
    desk_view = desk.get(f"{URL}{order.number}/events/").json()

    assert "用户电脑是旧型号" not in [e["body"] for e in user_view]
    assert "我们马上处理" in [e["body"] for e in user_view]
    assert "用户电脑是旧型号" in [e["body"] for e in desk_view]
    assert user_view[0]["kind"] == "created"


def test_end_user_cannot_write_an_internal_note(file_order, end_user):
    order = file_order()

    response = act(as_user(end_user), order, "comment", body="悄悄话", internal=True)

    assert response.status_code == 403


def test_list_filters_and_chinese_search(file_order, agent, engineer):
    printer = file_order(title="打印机卡纸")
    screen = file_order(
        title="显示器黑屏", description="开机后没有画面", urgency="high", impact="high"
    )
    services.work_order_assign(work_order=screen, actor=agent, assignee=engineer)
    client = as_user(agent)

    def numbers(**params):
        return [r["number"] for r in client.get(URL, params).json()["results"]]

    assert numbers(search="打印") == [printer.number]
    assert numbers(status="assigned") == [screen.number]
    assert numbers(priority="P1") == [screen.number]
    assert numbers(assignee=engineer.pk) == [screen.number]
    assert sorted(numbers(service_level="standard")) == sorted([printer.number, screen.number])
    assert numbers(resolution_breached="true") == []
    assert set(numbers(created_after="2000-01-01T00:00:00Z")) == {printer.number, screen.number}


def test_list_query_count_does_not_grow_with_rows(file_order, agent, engineer):
    client = as_user(agent)
    file_order()
    client.get(URL)  # warm the per-process caches (calendar, default level)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(5):
        order = file_order()
        services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    with CaptureQueriesContext(connection) as many:
        rows = client.get(URL).json()["results"]

    assert len(rows) == 6
    assert len(many) == len(few)


def test_api_needs_login(api):
    assert api.get(URL).status_code in (401, 403)


def test_schema_documents_the_incident_api(api, agent):
    api.force_authenticate(agent)
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert "/api/incidents/" in paths
    assert "/api/incidents/{number}/resolve/" in paths
    assert "/api/incidents/{number}/events/" in paths


def test_the_desk_clocks_through_the_api(file_order, agent, engineer):
    desk, field = as_user(agent), as_user(engineer)
    guided = file_order()
    answer = act(desk, guided, "guidance")
    assert answer.status_code == 200 and answer.json()["guidance_due_at"]
    order = file_order()
    act(desk, order, "assign", assignee=engineer.pk)
    assert act(field, order, "late").status_code == 400  # say why
    answer = act(field, order, "late", note="车坏了")
    assert answer.status_code == 200 and answer.json()["redispatch_due_at"]
