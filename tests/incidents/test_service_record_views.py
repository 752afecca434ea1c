"""The service record's pages in Chinese and English, the work order's page (its panel,
the greyed callback, a flat query count) and the printed record."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.choices import ServiceRecordStatus, Status
from incidents.models import ServiceRecord, WorkOrder
from incidents.service_records import services as record_services
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def dispatched(file_order, agent, engineer):
    return services.work_order_assign(
        work_order=file_order(), actor=agent, assignee=engineer, service_type="on_site"
    )


def _record(order, engineer, work_done="更换硒鼓"):
    now = timezone.now()
    return record_services.service_record_create(
        work_order=order,
        actor=engineer,
        arrived_at=now - timedelta(minutes=40),
        left_at=now - timedelta(minutes=10),
        work_done=work_done,
    )


def _page(number):
    return reverse("incidents:service_record", args=[number])


def _step(number, step):
    return reverse("incidents:service_record_act", args=[number, step])


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_engineer_writes_the_record_from_the_work_order_page(client, dispatched, engineer):
    client.force_login(engineer)
    detail = reverse("incidents:detail", args=[dispatched.number])
    body = client.get(detail, **EN).content.decode()
    assert "Write a service record (on-site visit)" in body
    now = timezone.now()
    response = client.post(
        reverse("incidents:act", args=[dispatched.number, "service_record"]),
        {
            "lock_version": dispatched.lock_version,
            "service_record-arrived_at": _local(now - timedelta(hours=1)),
            "service_record-left_at": _local(now - timedelta(minutes=5)),
            "service_record-work_done": "更换电源",
        },
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.number == f"D0302-{dispatched.number}" and record.engineer == engineer
    body = client.get(detail, **ZH).content.decode()
    assert record.number in body and "待服务台审核" in body and "运行服务单（现场服务）" in body


def test_bad_times_keep_the_typed_text(client, dispatched, engineer):
    client.force_login(engineer)
    now = timezone.now()
    response = client.post(
        reverse("incidents:act", args=[dispatched.number, "service_record"]),
        {
            "lock_version": dispatched.lock_version,
            "service_record-arrived_at": _local(now),
            "service_record-left_at": _local(now - timedelta(hours=2)),
            "service_record-work_done": "现场更换键盘",
        },
        **ZH,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "离场时间不能早于到场时间。" in body and "现场更换键盘" in body
    assert not ServiceRecord.objects.exists()


def test_requester_confirms_in_chinese_and_the_desk_reviews_in_english(
    client, dispatched, engineer, end_user, agent
):
    record = _record(dispatched, engineer, work_done=SCRIPT)
    client.force_login(end_user)
    body = client.get(_page(record.number), **ZH).content.decode()
    assert "确认您接受的服务" in body and SCRIPT not in body and "&lt;script&gt;" in body
    assert _step(record.number, "review") not in body
    response = client.post(
        _step(record.number, "confirm"), {"lock_version": record.lock_version, "confirm-note": "好"}
    )
    assert response.status_code == 302
    # Not the user's step: the desk's review.
    assert (
        client.post(_step(record.number, "review"), {"review-decision": "accept"}).status_code
        == 403
    )
    client.force_login(agent)
    record.refresh_from_db()
    body = client.get(_page(record.number), **EN).content.decode()
    assert "Desk&#x27;s review" in body or "Desk's review" in body
    response = client.post(
        _step(record.number, "review"),
        {"lock_version": record.lock_version, "review-decision": "accept"},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ServiceRecordStatus.ACCEPTED


def test_returning_without_a_reason_is_refused_with_a_message(client, dispatched, engineer, agent):
    record = _record(dispatched, engineer)
    client.force_login(agent)
    response = client.post(
        _step(record.number, "review"),
        {"lock_version": record.lock_version, "review-decision": "return"},
        **ZH,
    )
    assert response.status_code == 400
    assert "请说明工程师需要更正的内容。" in response.content.decode()
    assert ServiceRecord.objects.get().status == ServiceRecordStatus.SUBMITTED


def test_outsiders_get_404(client, dispatched, engineer, make_person):
    record = _record(dispatched, engineer)
    for role in (Role.END_USER, Role.ENGINEER):
        client.force_login(make_person(role))
        assert client.get(_page(record.number)).status_code == 404
        assert (
            client.get(reverse("incidents:service_record_print", args=[record.number])).status_code
            == 404
        )


def test_callback_is_greyed_with_the_reason_until_the_review(client, dispatched, engineer, agent):
    record = _record(dispatched, engineer)
    services.work_order_resolve(
        work_order=WorkOrder.objects.get(pk=dispatched.pk), actor=engineer, resolution="已修复"
    )
    client.force_login(agent)
    body = client.get(reverse("incidents:detail", args=[dispatched.number]), **EN).content.decode()
    assert "Review the service records first" in body and record.number in body
    assert f'action="{reverse("incidents:act", args=[dispatched.number, "callback"])}"' not in body
    order = WorkOrder.objects.get(pk=dispatched.pk)
    response = client.post(
        reverse("incidents:act", args=[dispatched.number, "callback"]),
        {"lock_version": order.lock_version, "callback-reached": "1", "callback-satisfaction": "5"},
        **ZH,
    )
    assert response.status_code == 400
    assert "请先审核运行服务单" in response.content.decode()
    assert WorkOrder.objects.get(pk=dispatched.pk).status == Status.RESOLVED


def test_review_list_is_the_staffs(client, dispatched, engineer, agent, end_user):
    record = _record(dispatched, engineer)
    client.force_login(end_user)
    assert client.get(reverse("incidents:service_records")).status_code == 403
    client.force_login(agent)
    body = client.get(reverse("incidents:service_records"), **ZH).content.decode()
    assert record.number in body and "table-cards" in body
    body = client.get(reverse("incidents:service_records") + "?status=accepted").content.decode()
    assert record.number not in body


def test_review_list_queries_stay_flat(
    client, file_order, agent, engineer, django_assert_max_num_queries
):
    def grow(n):
        for _ in range(n):
            order = services.work_order_assign(
                work_order=file_order(), actor=agent, assignee=engineer
            )
            _record(order, engineer)

    grow(2)
    client.force_login(agent)
    url = reverse("incidents:service_records")
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    grow(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_work_order_page_loads_its_records_in_one_query(
    client, dispatched, engineer, agent, django_assert_max_num_queries
):
    client.force_login(agent)
    url = reverse("incidents:detail", args=[dispatched.number])
    with django_assert_max_num_queries(40) as without:
        client.get(url)
    for _ in range(6):
        _record(dispatched, engineer)
    # The records' panel adds no query per record (the panel's one query ran already).
    with django_assert_max_num_queries(len(without.captured_queries)):
        assert dispatched.number in client.get(url).content.decode()


def test_dispatch_form_records_type_mode_and_vehicle(client, file_order, agent, engineer):
    order = file_order()
    client.force_login(agent)
    response = client.post(
        reverse("incidents:act", args=[order.number, "assign"]),
        {
            "lock_version": order.lock_version,
            "assign-assignee": engineer.pk,
            "assign-service_type": "take_in",
            "assign-response_mode": "on_site",
            "assign-vehicle_needed": "1",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.service_type, order.response_mode, order.vehicle_needed) == (
        "take_in",
        "on_site",
        True,
    )
    body = client.get(reverse("incidents:detail", args=[order.number]), **ZH).content.decode()
    assert "送修" in body and "需要车辆协同" in body
    queue = reverse("incidents:queue")
    assert order.number in client.get(queue + "?queue=all&service_type=take_in").content.decode()
    assert order.number not in client.get(queue + "?queue=all&service_type=none").content.decode()


def test_printed_record_has_the_three_sign_lines(client, dispatched, engineer, tmp_path):
    record = _record(dispatched, engineer, work_done="更换硒鼓 CF226A")
    client.force_login(engineer)
    response = client.get(reverse("incidents:service_record_print", args=[record.number]), **ZH)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "record.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert record.number in text and "运行服务单" in text and "更换硒鼓" in text
        assert "被服务客户（签字）" in text and "服务受理人（服务台）" in text


def test_the_desk_records_type_and_mode_at_intake(client, agent, end_user):
    client.force_login(agent)
    client.post(
        reverse("incidents:intake"),
        {
            "caller": end_user.pk,
            "title": "申请升级内存",
            "urgency": "low",
            "impact": "low",
            "service_type": "special",
            "response_mode": "hotline",
        },
    )
    order = WorkOrder.objects.get()
    assert (order.service_type, order.response_mode) == ("special", "hotline")
    assert order.status == Status.NEW
