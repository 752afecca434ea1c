from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from incidents import services
from incidents.choices import Channel, EventKind, Status
from incidents.models import Attachment, WorkOrder
from itsm.actors import system_user
from servicedesk.choices import Role
from servicedesk.models import Category, Team

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


def _file(wo_actor, requester, **kwargs):
    kwargs.setdefault("title", "打印机卡纸")
    kwargs.setdefault("description", "三楼打印机卡纸")
    return services.work_order_create(actor=wo_actor, requester=requester, **kwargs)


def _photo(name="故障照片.jpg", size=64):
    return SimpleUploadedFile(name, b"\xff\xd8\xff" + b"0" * size, content_type="image/jpeg")


def _detail(number):
    return reverse("incidents:detail", args=[number])


def _act(number, action):
    return reverse("incidents:act", args=[number, action])


# --- visibility ----------------------------------------------------------------------


def test_end_user_cannot_see_another_users_work_order(client, end_user, make_person):
    other = make_person(Role.END_USER)
    order = _file(other, other)
    attachment = services.work_order_comment(
        work_order=order, actor=other, body="x", files=[_photo()]
    ).attachments.get()
    client.force_login(end_user)
    assert client.get(_detail(order.number)).status_code == 404
    download = reverse("incidents:attachment", args=[order.number, attachment.pk])
    assert client.get(download).status_code == 404
    assert client.post(_act(order.number, "comment"), {"comment-body": "hi"}).status_code == 404


def test_engineer_sees_assigned_and_team_orders_only(client, engineer, agent, end_user):
    team = Team.objects.create(name="驻场组")
    team.members.add(engineer)
    assigned = _file(end_user, end_user, title="分派给我")
    services.work_order_assign(work_order=assigned, actor=agent, assignee=engineer)
    team_order = _file(end_user, end_user, title="本组工单")
    WorkOrder.objects.filter(pk=team_order.pk).update(team=team)
    other = _file(end_user, end_user, title="别人的工单")
    client.force_login(engineer)
    body = client.get(reverse("incidents:queue")).content.decode()
    assert "分派给我" in body and "本组工单" in body
    assert "别人的工单" not in body
    assert client.get(_detail(other.number)).status_code == 404
    assert client.get(_detail(team_order.number)).status_code == 200


def test_end_user_cannot_open_the_queue_or_intake(client, end_user):
    client.force_login(end_user)
    assert client.get(reverse("incidents:queue")).status_code == 403
    assert client.get(reverse("incidents:intake")).status_code == 403


# --- flat query counts ---------------------------------------------------------------


def _many(n, requester, agent, engineer):
    category = Category.objects.filter(parent__parent__isnull=False).first()
    for i in range(n):
        order = _file(agent, requester, title=f"工单{i}", category=category)
        if i % 2:
            services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
        services.work_order_comment(work_order=order, actor=agent, body="note", internal=True)


def _assert_flat(client, url, grow, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_queue_queries_stay_flat(client, agent, engineer, end_user, django_assert_max_num_queries):
    _many(3, end_user, agent, engineer)
    client.force_login(agent)
    _assert_flat(
        client,
        reverse("incidents:queue"),
        lambda: _many(30, end_user, agent, engineer),
        django_assert_max_num_queries,
    )


def test_mine_queries_stay_flat(client, agent, engineer, end_user, django_assert_max_num_queries):
    _many(3, end_user, agent, engineer)
    client.force_login(end_user)
    _assert_flat(
        client,
        reverse("incidents:mine"),
        lambda: _many(30, end_user, agent, engineer),
        django_assert_max_num_queries,
    )


def test_detail_queries_stay_flat(client, agent, engineer, end_user, django_assert_max_num_queries):
    order = _file(end_user, end_user, files=[_photo()])
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer)

    def grow():
        for i in range(30):
            services.work_order_comment(
                work_order=order, actor=engineer, body=f"进展{i}", files=[_photo(f"图{i}.png")]
            )
            services.work_order_comment(work_order=order, actor=agent, body="内部", internal=True)

    for login in (agent, end_user):
        client.force_login(login)
    client.force_login(agent)
    _assert_flat(client, _detail(order.number), grow, django_assert_max_num_queries)
    client.force_login(end_user)
    with django_assert_max_num_queries(25):
        client.get(_detail(order.number))


# --- escaping ------------------------------------------------------------------------


def test_script_in_fields_shows_as_text_on_every_page(client, agent, end_user):
    order = _file(end_user, end_user, title=SCRIPT, description=SCRIPT)
    services.work_order_comment(work_order=order, actor=end_user, body=SCRIPT)
    for user, url in (
        (end_user, _detail(order.number)),
        (end_user, reverse("incidents:mine")),
        (end_user, reverse("incidents:home_panel")),
        (agent, _detail(order.number)),
        (agent, reverse("incidents:queue")),
        (agent, reverse("incidents:intake") + f"?q=王芳&caller={end_user.pk}"),
    ):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
        assert "&lt;script&gt;" in body, url


# --- attachments ---------------------------------------------------------------------


def test_download_keeps_the_chinese_name_and_is_never_inline(client, end_user):
    order = _file(end_user, end_user, files=[_photo("打印机 故障.jpg")])
    attachment = order.attachments.get()
    client.force_login(end_user)
    response = client.get(reverse("incidents:attachment", args=[order.number, attachment.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('打印机 故障.jpg')}" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_internal_attachment_is_hidden_from_the_end_user(client, end_user, agent):
    order = _file(end_user, end_user)
    event = services.work_order_comment(
        work_order=order, actor=agent, body="内部截图", internal=True, files=[_photo("内部.png")]
    )
    attachment = event.attachments.get()
    url = reverse("incidents:attachment", args=[order.number, attachment.pk])
    client.force_login(end_user)
    assert client.get(url).status_code == 404
    page = client.get(_detail(order.number)).content.decode()
    assert "内部截图" not in page and "内部.png" not in page
    client.force_login(agent)
    assert client.get(url).status_code == 200
    assert "内部截图" in client.get(_detail(order.number)).content.decode()


def test_forbidden_upload_is_refused_and_the_typed_text_is_kept(client, end_user, monkeypatch):
    monkeypatch.setattr("incidents.attachments.MAX_SIZE", 1024)
    client.force_login(end_user)
    response = client.post(
        reverse("incidents:report"),
        {
            "title": "电脑蓝屏",
            "description": "开机后蓝屏，错误代码 0x0000007B",
            "urgency": "high",
            "contact_phone": "13800000000",
            "files": [
                SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream"),
                _photo("大图.jpg", size=4096),
            ],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "病毒.exe" in body and "大图.jpg" in body  # one message per file
    assert "开机后蓝屏，错误代码 0x0000007B" in body
    assert 'value="电脑蓝屏"' in body
    assert not WorkOrder.objects.exists()
    assert not Attachment.objects.exists()


def test_unknown_asset_tag_is_an_error_on_that_field(client, end_user):
    client.force_login(end_user)
    response = client.post(
        reverse("incidents:report"),
        {"title": "显示器不亮", "urgency": "medium", "asset_tag": "NO-SUCH-TAG"},
    )
    assert response.status_code == 200
    assert "NO-SUCH-TAG" in response.content.decode()
    assert not WorkOrder.objects.exists()


# --- actions -------------------------------------------------------------------------


def test_stale_lock_version_shows_the_reload_message_and_changes_nothing(
    client, agent, engineer, end_user
):
    order = _file(end_user, end_user)
    stale = order.lock_version
    services.work_order_reprioritise(work_order=order, actor=agent, impact="high", urgency="high")
    order.refresh_from_db()
    client.force_login(agent)
    response = client.post(
        _act(order.number, "assign"),
        {"lock_version": stale, "assign-assignee": engineer.pk, "assign-note": "请尽快处理"},
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "reload" in body.lower() or "重新加载" in body or "刷新" in body
    assert "请尽快处理" in body  # the typed note is still in the form
    fresh = WorkOrder.objects.get(pk=order.pk)
    assert fresh.status == Status.NEW
    assert fresh.assignee_id is None
    assert fresh.lock_version == order.lock_version


def test_refused_action_shows_the_refusal(client, end_user, agent, engineer):
    order = _file(end_user, end_user)
    client.force_login(end_user)
    response = client.post(
        _act(order.number, "assign"),
        {"lock_version": order.lock_version, "assign-assignee": engineer.pk},
    )
    assert response.status_code == 403
    assert WorkOrder.objects.get(pk=order.pk).status == Status.NEW


def test_end_user_sees_staff_buttons_nowhere(client, end_user):
    order = _file(end_user, end_user)
    client.force_login(end_user)
    body = client.get(_detail(order.number)).content.decode()
    assert _act(order.number, "assign") not in body
    assert _act(order.number, "note") not in body
    assert _act(order.number, "comment") in body


def test_happy_path_from_report_to_callback(client, end_user, agent, engineer):
    # The end user files a fault with a photo.
    client.force_login(end_user)
    category = Category.objects.filter(parent__parent__isnull=False).first()
    response = client.post(
        reverse("incidents:report"),
        {
            "category": category.pk,
            "title": "打印机卡纸",
            "description": "三楼打印机一直卡纸",
            "urgency": "medium",
            "contact_phone": "13800000000",
            "files": [_photo()],
        },
    )
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(order.number)
    assert order.channel == Channel.WEB and order.category == category
    assert order.attachments.get().original_name == "故障照片.jpg"

    # The agent sees it in the unassigned queue and dispatches it.
    client.force_login(agent)
    queue = client.get(reverse("incidents:queue"), {"queue": "unassigned"}).content.decode()
    assert order.number in queue
    response = client.post(
        _act(order.number, "assign"),
        {
            "lock_version": order.lock_version,
            "assign-assignee": engineer.pk,
            "assign-note": "请上门",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    # The engineer starts and resolves it.
    client.force_login(engineer)
    order.refresh_from_db()
    assert (
        client.post(_act(order.number, "start"), {"lock_version": order.lock_version}).status_code
        == 302
    )
    order.refresh_from_db()
    response = client.post(
        _act(order.number, "resolve"),
        {"lock_version": order.lock_version, "resolve-resolution": "清理搓纸轮"},
    )
    assert response.status_code == 302

    # The desk calls back: satisfied, closed.
    client.force_login(agent)
    order.refresh_from_db()
    assert order.status == Status.RESOLVED
    response = client.post(
        _act(order.number, "callback"),
        {
            "lock_version": order.lock_version,
            "callback-reached": "1",
            "callback-satisfaction": "5",
            "callback-comment": "满意",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    # The callback's answer is kept apart from the user's own rating (issue 15).
    assert order.status == Status.CLOSED and order.callback_satisfaction == 5
    assert order.rating is None

    # The timeline shows every step, to the requester too.
    client.force_login(end_user)
    page = client.get(_detail(order.number)).content.decode()
    for text in ("请上门", "清理搓纸轮", "满意", "故障照片.jpg"):
        assert text in page
    kinds = list(order.events.values_list("kind", flat=True))
    for kind in (EventKind.CREATED, EventKind.ASSIGNMENT, EventKind.CALLBACK):
        assert kind in kinds
    transitions = list(
        order.events.filter(kind=EventKind.TRANSITION).values_list("status_to", flat=True)
    )
    assert transitions == [Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]


def test_end_user_confirms_reopens_and_rates(client, end_user, agent):
    order = _file(end_user, end_user)
    services.work_order_resolve(work_order=order, actor=agent, resolution="重启后恢复")
    order.refresh_from_db()
    client.force_login(end_user)
    page = client.get(_detail(order.number)).content.decode()
    assert _act(order.number, "confirm") in page and _act(order.number, "reopen") in page
    response = client.post(
        _act(order.number, "reopen"), {"lock_version": order.lock_version, "reopen-note": "又坏了"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.REOPENED
    services.work_order_resolve(work_order=order, actor=agent, resolution="更换电源")
    order.refresh_from_db()
    client.post(_act(order.number, "confirm"), {"lock_version": order.lock_version})
    order.refresh_from_db()
    # The callback rule: confirmed, the order waits for the desk's callback (待回访).
    assert order.status == Status.RESOLVED and order.confirmed_at is not None
    page = client.get(_detail(order.number)).content.decode()
    assert _act(order.number, "confirm") not in page
    response = client.post(
        _act(order.number, "rate"), {"rate-rating": "4", "rate-comment": "速度快"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.rating == 4


def test_comment_with_a_forbidden_file_keeps_the_text(client, end_user):
    order = _file(end_user, end_user)
    client.force_login(end_user)
    response = client.post(
        _act(order.number, "comment"),
        {
            "comment-body": "补充说明：错误码 E05",
            "comment-files": [SimpleUploadedFile("a.html", b"<b>", content_type="text/html")],
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "补充说明：错误码 E05" in body and "a.html" in body
    assert not order.events.filter(kind=EventKind.COMMENT).exists()


# --- staff tools ---------------------------------------------------------------------


def test_queue_filters_by_text_and_shows_counts(client, agent, end_user):
    _file(end_user, end_user, title="显示器闪烁")
    _file(end_user, end_user, title="网络断开")
    client.force_login(agent)
    body = client.get(reverse("incidents:queue"), {"q": "显示器"}).content.decode()
    assert "显示器闪烁" in body and "网络断开" not in body


def test_bulk_assign_reports_each_failure(client, agent, engineer, end_user):
    first = _file(end_user, end_user, title="一")
    second = _file(end_user, end_user, title="二")
    services.work_order_cancel(work_order=second, actor=agent, reason="duplicate")
    client.force_login(agent)
    response = client.post(
        reverse("incidents:bulk_assign"),
        {"numbers": [first.number, second.number], "assignee": engineer.pk},
        follow=True,
    )
    body = response.content.decode()
    assert first.number in body and second.number in body
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.assignee == engineer
    assert second.status == Status.CANCELLED and second.assignee is None


@pytest.mark.parametrize(
    "back",
    ["/\\evil.example", "//evil.example", "https://evil.example/", "/\\/evil.example/x"],
)
def test_bulk_assign_never_sends_back_to_another_site(client, agent, engineer, end_user, back):
    order = _file(end_user, end_user)
    client.force_login(agent)
    response = client.post(
        reverse("incidents:bulk_assign"),
        {"numbers": [order.number], "assignee": engineer.pk, "next": back},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:queue")


def test_bulk_assign_goes_back_to_the_queue_page_it_came_from(client, agent, engineer, end_user):
    order = _file(end_user, end_user)
    client.force_login(agent)
    back = reverse("incidents:queue") + "?queue=unassigned&page=2"
    response = client.post(
        reverse("incidents:bulk_assign"),
        {"numbers": [order.number], "assignee": engineer.pk, "next": back},
    )
    assert response["Location"] == back


def test_a_broker_outage_does_not_fail_a_saved_filing(
    client, end_user, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """The hand-off to Celery fails after the commit: the user still gets their number
    and the mail waits in the outbox for the minutely sweep."""
    from kombu.exceptions import OperationalError

    from servicedesk.models import MailState, Notification
    from servicedesk.notifications import mail_send_pending
    from servicedesk.tasks import send_pending_mail

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(send_pending_mail, "delay", broker_down)
    client.force_login(end_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("incidents:report"), {"title": "打印机卡纸", "urgency": "medium"}
        )
    assert callbacks  # the hand-off was attempted
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(order.number)
    pending = Notification.objects.get(recipient=end_user)
    assert pending.mail_state == MailState.PENDING and not mailoutbox
    assert mail_send_pending() == 1  # the sweep delivers it
    assert mailoutbox[0].to == [end_user.email]


def test_steps_the_user_may_not_take_show_greyed_with_the_reason(client, agent, engineer, end_user):
    order = _file(end_user, end_user)
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    client.force_login(engineer)
    with translation.override("en"):
        body = client.get(_detail(order.number), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-refused" in body
    assert "Only the service desk can merge work orders." in body
    assert f'action="{_act(order.number, "merge")}"' not in body
    client.force_login(end_user)
    body = client.get(_detail(order.number), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # Dispatched: withdrawing is now the desk's, and the requester is told why.
    assert "Only the requester (before dispatch) or the desk can cancel" in body
    assert f'action="{_act(order.number, "cancel")}"' not in body


def test_phone_intake_finds_the_caller_and_records_for_them(client, agent, end_user):
    _file(end_user, end_user, title="以前的工单")
    client.force_login(agent)
    found = client.get(reverse("incidents:intake"), {"q": "王芳"}).content.decode()
    assert f"caller={end_user.pk}" in found
    page = client.get(
        reverse("incidents:intake"), {"q": "王芳", "caller": end_user.pk}
    ).content.decode()
    assert "以前的工单" in page
    response = client.post(
        reverse("incidents:intake") + "?q=王芳",
        {
            "caller": end_user.pk,
            "title": "电话报修：键盘失灵",
            "urgency": "medium",
            "impact": "low",
            "contact_phone": "010-12345678",
        },
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get(title="电话报修：键盘失灵")
    assert order.requester == end_user and order.created_by == agent
    assert order.channel == Channel.PHONE


def test_home_panel_shows_my_open_orders_and_staff_counts(client, end_user, agent):
    _file(end_user, end_user, title="我的待办")
    client.force_login(end_user)
    assert "我的待办" in client.get(reverse("incidents:home_panel")).content.decode()
    assert reverse("incidents:home_panel") in client.get(reverse("home")).content.decode()
    client.force_login(agent)
    body = client.get(reverse("incidents:home_panel")).content.decode()
    assert "?queue=unassigned" in body


def test_end_user_withdraws_before_dispatch(client, end_user):
    order = _file(end_user, end_user)
    client.force_login(end_user)
    assert _act(order.number, "cancel") in client.get(_detail(order.number)).content.decode()
    response = client.post(
        _act(order.number, "cancel"),
        {"lock_version": order.lock_version, "cancel-reason": "withdrawn"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CANCELLED and order.cancel_reason == "withdrawn"


def test_requester_complains_and_the_supervisor_records_the_outcome(
    client, end_user, agent, supervisor
):
    from incidents.models import Complaint

    order = services.work_order_create(actor=end_user, requester=end_user, title="显示器黑屏")
    services.work_order_resolve(work_order=order, actor=agent, resolution="已处理")
    client.force_login(end_user)
    response = client.post(
        reverse("incidents:act", args=[order.number, "complain"]),
        {"complain-description": "<b>处理太慢</b>", "lock_version": order.lock_version},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    client.force_login(supervisor)
    page = client.get(reverse("incidents:complaints")).content.decode()
    assert "&lt;b&gt;处理太慢&lt;/b&gt;" in page
    client.post(
        reverse("incidents:complaints"),
        {"complaint": complaint.pk, f"c{complaint.pk}-outcome": "已与工程师谈话"},
    )
    complaint.refresh_from_db()
    assert complaint.status == "handled" and complaint.handled_by == supervisor


def test_engineer_cannot_open_the_complaints(client, engineer):
    client.force_login(engineer)
    assert client.get(reverse("incidents:complaints")).status_code == 403


def test_desk_merges_a_duplicate_from_the_page(client, end_user, agent):
    original = services.work_order_create(actor=end_user, requester=end_user, title="打印机卡纸")
    duplicate = services.work_order_create(actor=end_user, requester=end_user, title="打印机又卡纸")
    client.force_login(agent)
    response = client.post(
        reverse("incidents:act", args=[duplicate.number, "merge"]),
        {
            "merge-target": original.number,
            "merge-note": "重复",
            "lock_version": duplicate.lock_version,
        },
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original
    missing = client.post(
        reverse("incidents:act", args=[original.number, "merge"]),
        {"merge-target": "D0201-1999010101", "lock_version": original.lock_version},
    )
    assert missing.status_code == 400
    assert "D0201-1999010101" in missing.content.decode()


def test_fault_form_and_work_order_page_offer_knowledge(client, end_user, agent):
    client.force_login(end_user)
    form = client.get(reverse("incidents:report")).content.decode()
    assert reverse("knowledge:suggest") in form
    home = client.get(reverse("home")).content.decode()
    assert reverse("knowledge:search") in home
    order = services.work_order_create(actor=end_user, requester=end_user, title="打印机卡纸")
    services.work_order_resolve(work_order=order, actor=agent, resolution="取出卡纸")
    client.force_login(agent)
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert reverse("knowledge:from_work_order", args=[order.number]) in page


def test_knowledge_suggestions_answer_what_the_user_types(client, end_user, supervisor, engineer):
    from knowledge.services import record_create, record_publish, record_review

    record = record_create(
        actor=engineer,
        title="打印机卡纸处理方法",
        symptom="打印机卡纸，无法打印",
        cause="纸张受潮",
        solution="打开后盖取出卡纸",
        audience="public",
    )
    record = record_review(record=record, actor=supervisor)
    record_publish(record=record, actor=supervisor)
    client.force_login(end_user)
    partial = client.get(reverse("knowledge:suggest"), {"from": "report", "title": "打印机卡纸"})
    assert reverse("knowledge:detail", args=[record.number]) in partial.content.decode()


# --- queue rows, camera and knowledge picker -------------------------------------------


def test_queue_row_shows_status_people_category_and_countdown(client, agent, engineer, end_user):
    team = Team.objects.create(name="驻场组")
    category = Category.objects.filter(parent__parent__isnull=False).first()
    order = _file(end_user, end_user, title="打印机<b>卡纸</b>", category=category)
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer, team=team)
    client.force_login(agent)

    body = client.get(reverse("incidents:queue")).content.decode()

    row = body[body.index(f'value="{order.number}"') :]
    row = row[: row.index("</tr>")]
    assert f'href="{_detail(order.number)}"' in row
    assert "打印机&lt;b&gt;卡纸&lt;/b&gt;" in row and "<b>" not in row
    assert "text-bg-info" in row  # assigned
    assert end_user.person.name in row and end_user.person.department.name in row
    assert engineer.person.name in row and "驻场组" in row
    assert category.name in row
    assert 'class="badge text-bg-light border" title="' in row  # hours left on the fix


def test_queue_filter_selects_keep_the_chosen_option(client, agent, engineer, end_user):
    client.force_login(agent)
    body = client.get(
        reverse("incidents:queue"), {"queue": "all", "assignee": engineer.pk}
    ).content.decode()
    assert f'<option value="{engineer.pk}" selected>{engineer.person.name}</option>' in body
    assert 'name="assignee" class="form-select form-select-sm" id="id_assignee"' in body


def test_fault_forms_offer_the_camera_for_the_asset_tag(client, agent, end_user):
    client.force_login(end_user)
    body = client.get(reverse("incidents:report")).content.decode()
    assert '<div id="tag-camera" hidden data-field="id_asset_tag"' in body
    assert "incidents/tag_camera" in body and 'id="id_asset_tag"' in body
    client.force_login(agent)
    intake = client.get(
        reverse("incidents:intake"), {"q": "王芳", "caller": end_user.pk}
    ).content.decode()
    assert 'id="tag-camera" hidden' in intake and "incidents/tag_camera" in intake


def _category_tree(body: str, field="id_category") -> dict:
    import json
    import re

    found = re.search(rf'<script id="{field}-tree" type="application/json">(.*?)</script>', body)
    assert found, "no category tree in the page"
    return json.loads(found.group(1))


def _tree_path(tree: dict, names: list[str]) -> list[int]:
    ids, nodes = [], tree["nodes"]
    for name in names:
        node = next(node for node in nodes if node[1] == name)
        ids.append(node[0])
        nodes = node[2]
    assert nodes == [], "the last step is a fault type, with nothing under it"
    return ids


def test_fault_forms_carry_the_category_tree_for_the_cascading_picker(client, agent, end_user):
    from servicedesk.models import Category

    jam = Category.objects.get(name="卡纸", parent__name="打印机")
    client.force_login(end_user)
    body = client.get(reverse("incidents:report")).content.decode()
    tree = _category_tree(body)
    assert tree["levels"] == ["问题类型", "系统类型", "故障类型"]
    assert tree["empty"] == "不确定" and tree["choose"] == "请选择…"
    assert _tree_path(tree, ["硬件", "打印机", "卡纸"])[-1] == jam.pk
    # Without scripts the grouped select is the whole picker, and it is what is submitted.
    assert '<select name="category" class="form-select" id="id_category">' in body
    assert f'<optgroup label="硬件 / 打印机">\n  <option value="{jam.pk}">卡纸</option>' in body
    assert "incidents/category_cascade.js" in body
    client.force_login(agent)
    intake = client.get(
        reverse("incidents:intake"), {"q": "王芳", "caller": end_user.pk}
    ).content.decode()
    assert _tree_path(_category_tree(intake), ["硬件", "打印机", "卡纸"])[-1] == jam.pk
    assert "incidents/category_cascade.js" in intake


def test_a_refused_fault_form_keeps_the_chosen_category(client, end_user):
    from servicedesk.models import Category

    login = Category.objects.get(name="无法登录", parent__name="登记系统")
    client.force_login(end_user)
    response = client.post(reverse("incidents:report"), {"category": login.pk, "title": ""})
    body = response.content.decode()
    assert response.status_code == 200 and not WorkOrder.objects.exists()
    # The picker redraws its path (应用软件 → 登记系统 → 无法登录) from the selected option.
    assert f'<option value="{login.pk}" selected>无法登录</option>' in body
    assert '<option value="" selected>不确定</option>' not in body
    assert _tree_path(_category_tree(body), ["应用软件", "登记系统", "无法登录"])[-1] == login.pk

    client.post(
        reverse("incidents:report"),
        {"category": login.pk, "title": "登录不了", "urgency": "medium"},
    )
    assert WorkOrder.objects.get().category == login  # the submitted value is the fault type


def test_category_names_cannot_break_out_of_the_picker_data(client, end_user):
    from servicedesk.models import Category

    printer = Category.objects.get(name="打印机", parent__name="硬件")
    name = '</script><b onclick="x">卡纸&amp;</b>'
    odd = Category.objects.create(parent=printer, level="fault_type", name=name)
    client.force_login(end_user)
    body = client.get(reverse("incidents:report")).content.decode()
    assert "<b onclick" not in body and "</script><b" not in body
    assert _tree_path(_category_tree(body), ["硬件", "打印机", name])[-1] == odd.pk
    assert f'<option value="{odd.pk}">&lt;/script&gt;&lt;b onclick=&quot;x&quot;&gt;' in body


def _panel(client, number, action, **params):
    """A folded panel's form, as the page loads it when opened (htmx)."""
    return client.get(_act(number, action), params, headers={"HX-Request": "true"})


def test_resolve_form_has_the_knowledge_picker(client, agent, end_user):
    order = _file(end_user, end_user)
    client.force_login(agent)
    body = _panel(client, order.number, "resolve").content.decode()
    assert f'hx-get="{reverse("incidents:knowledge_pick")}"' in body
    assert 'name="resolve-knowledge_record"' in body
    assert 'hx-target="#id_resolve-knowledge_record-choices"' in body
    assert "knowledge_pick.js" not in body  # htmx attributes, no script of its own
    client.force_login(end_user)  # no resolve action, no picker
    assert "resolve-knowledge_record" not in client.get(_detail(order.number)).content.decode()
    refused = _panel(client, order.number, "resolve").content.decode()
    assert "resolve-knowledge_record" not in refused


# --- folded action panels: each loads its form when opened ---------------------------


def test_the_desk_page_folds_its_panels_and_loads_a_form_when_opened(client, agent, end_user):
    order = _file(end_user, end_user)
    client.force_login(agent)
    page = client.get(_detail(order.number)).content.decode()
    assert 'data-bs-target="#act-assign"' in page
    assert 'name="assign-assignee"' not in page  # not built until opened
    loader = f'hx-get="{_act(order.number, "assign")}?lock_version={order.lock_version}"'
    assert loader in page and 'hx-trigger="show.bs.collapse' in page
    # Without scripts, the panel's link opens the same form on a page of its own.
    assert f'href="{_act(order.number, "assign")}?lock_version={order.lock_version}"' in page

    panel = _panel(client, order.number, "assign", lock_version=order.lock_version)
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html
    assert 'name="assign-assignee"' in html
    assert f'name="lock_version" value="{order.lock_version}"' in html
    full = client.get(_act(order.number, "assign"))
    assert full.status_code == 200 and "<html" in full.content.decode()
    assert 'name="assign-assignee"' in full.content.decode()


def test_a_panel_opened_from_an_old_page_still_refuses_a_lost_update(
    client, agent, engineer, end_user
):
    order = _file(end_user, end_user)
    seen = order.lock_version
    client.force_login(agent)
    services.work_order_reprioritise(work_order=order, actor=agent, impact="high", urgency="high")
    # The page was read before the change; its panel is opened after it.
    html = _panel(client, order.number, "assign", lock_version=seen).content.decode()
    assert f'name="lock_version" value="{seen}"' in html
    response = client.post(
        _act(order.number, "assign"), {"lock_version": seen, "assign-assignee": engineer.pk}
    )
    assert response.status_code == 409
    assert WorkOrder.objects.get(pk=order.pk).assignee_id is None


def test_a_panel_not_yours_or_no_longer_possible_says_why(client, agent, end_user, engineer):
    order = _file(end_user, end_user)
    client.force_login(end_user)
    refused = client.get(_act(order.number, "assign"))
    assert refused.status_code == 403 and 'name="assign-assignee"' not in refused.content.decode()
    in_panel = _panel(client, order.number, "assign")
    assert in_panel.status_code == 200  # htmx swaps only 2xx: the reason shows in the panel
    assert "服务台" in in_panel.content.decode() or "desk" in in_panel.content.decode()
    client.force_login(agent)
    gone = client.get(_act(order.number, "close"))  # a new order cannot be closed
    assert gone.status_code == 409 and 'name="close-note"' not in gone.content.decode()
    assert _panel(client, order.number, "nonsense").status_code == 403
    note = client.get(_act(order.number, "note")).content.decode()  # not a panel: still named
    assert 'name="note-body"' in note
    assert ">Send</button>" in note or ">发送</button>" in note


def test_a_refused_panel_form_comes_back_open_with_the_typed_text(client, agent, end_user):
    order = _file(end_user, end_user)
    client.force_login(agent)
    response = client.post(
        _act(order.number, "escalate"), {"lock_version": order.lock_version, "escalate-note": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="act-escalate" class="accordion-collapse collapse show"' in body
    assert 'name="escalate-note"' in body  # drawn in place, with its error
    assert 'name="assign-assignee"' not in body  # the other panels still fold


@pytest.fixture
def records(db, engineer, supervisor):
    from knowledge import services as knowledge

    def publish(title, **fields):
        record = knowledge.record_create(
            actor=engineer, title=title, solution="重启打印机", **fields
        )
        knowledge.record_review(record=record, actor=supervisor)
        return knowledge.record_publish(record=record, actor=supervisor)

    return {
        "public": publish("打印机卡纸处理"),
        "internal": publish("打印机驱动重装（内部）", audience="internal"),
        "draft": knowledge.record_create(actor=engineer, title="打印机草稿", solution="待定"),
    }


def _picked(client, query="打印机"):
    response = client.get(reverse("incidents:knowledge_pick"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_knowledge_picker_shows_end_users_public_records_only(client, end_user, records):
    client.force_login(end_user)
    body = _picked(client)
    assert f'data-pick-number="{records["public"].number}"' in body
    assert records["internal"].number not in body and records["draft"].number not in body


def test_knowledge_picker_shows_staff_internal_records_but_no_drafts(client, engineer, records):
    client.force_login(engineer)
    body = _picked(client)
    assert records["public"].number in body and records["internal"].number in body
    assert records["draft"].number not in body
    assert _picked(client, "x").strip() == ""  # one character: nothing asked


def test_knowledge_picker_reads_the_field_as_htmx_sends_it(client, engineer, records):
    client.force_login(engineer)
    url = reverse("incidents:knowledge_pick")
    body = client.get(url, {"resolve-knowledge_record": "打印机"}).content.decode()
    assert f'data-pick-number="{records["public"].number}"' in body
    assert 'hx-target="#id_resolve-knowledge_record-picker"' in body
    # A number is taken as typed: no suggestions to get in the way.
    number = records["public"].number
    assert client.get(url, {"resolve-knowledge_record": number}).content.decode().strip() == ""


def test_picking_a_suggestion_draws_the_field_with_its_number(client, engineer, records):
    client.force_login(engineer)
    record = records["public"]
    body = client.get(reverse("incidents:knowledge_pick"), {"pick": record.number})
    html = body.content.decode()
    assert 'id="id_resolve-knowledge_record-picker"' in html
    assert f'name="resolve-knowledge_record" value="{record.number}"' in html
    assert record.title in html  # "K01-… · title" under the field
    assert f'hx-get="{reverse("incidents:knowledge_pick")}"' in html  # still a picker


def test_picking_a_record_the_user_may_not_read_is_not_found(client, end_user, records):
    client.force_login(end_user)
    url = reverse("incidents:knowledge_pick")
    assert client.get(url, {"pick": records["internal"].number}).status_code == 404
    assert client.get(url, {"pick": records["draft"].number}).status_code == 404


def test_knowledge_picker_needs_a_login(client, records):
    assert client.get(reverse("incidents:knowledge_pick"), {"q": "打印机"}).status_code == 302


def test_resolving_records_the_picked_knowledge_record(client, agent, end_user, records):
    order = _file(end_user, end_user)
    client.force_login(agent)
    response = client.post(
        _act(order.number, "resolve"),
        {
            "lock_version": order.lock_version,
            "resolve-resolution": "按知识库处理",
            "resolve-knowledge_record": records["internal"].number,
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.knowledge_record_id == records["internal"].pk
    assert order.first_contact_resolution


def test_resolving_with_an_unknown_or_draft_record_keeps_the_form(client, agent, end_user, records):
    order = _file(end_user, end_user)
    client.force_login(agent)
    for value in ("K01-1999010101", records["draft"].number, "打印机"):
        response = client.post(
            _act(order.number, "resolve"),
            {
                "lock_version": order.lock_version,
                "resolve-resolution": "按知识库处理",
                "resolve-knowledge_record": value,
            },
        )
        assert response.status_code == 400, value
        assert "按知识库处理" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.NEW and order.knowledge_record_id is None


def test_resolving_still_takes_a_record_id(client, agent, end_user, records):
    order = _file(end_user, end_user)
    client.force_login(agent)
    client.post(
        _act(order.number, "resolve"),
        {
            "lock_version": order.lock_version,
            "resolve-resolution": "已处理",
            "resolve-knowledge_record": str(records["public"].pk),
        },
    )
    order.refresh_from_db()
    assert order.knowledge_record_id == records["public"].pk


def test_device_panel_lists_only_the_orders_the_engineer_may_see(
    client, agent, engineer, end_user, make_person
):
    from cmdb.models import CIClass
    from cmdb.services import ci_create

    printer = ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="server"),
        asset_tag="PR-9",
        name="打印机",
    )
    mine = _file(end_user, end_user, title="打印机卡纸", device=printer)
    services.work_order_assign(work_order=mine, actor=agent, assignee=engineer)
    theirs = _file(agent, make_person(Role.END_USER), title="打印机缺粉", device=printer)
    services.work_order_assign(work_order=theirs, actor=agent, assignee=make_person(Role.ENGINEER))
    client.force_login(engineer)
    assert theirs.number not in client.get(_detail(mine.number)).content.decode()
    client.force_login(agent)
    assert theirs.number in client.get(_detail(mine.number)).content.decode()
