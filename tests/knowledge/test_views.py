import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge import services
from knowledge.choices import Audience, Status
from knowledge.models import KnowledgeFeedback, KnowledgeRecord
from servicedesk.models import Category

pytestmark = pytest.mark.django_db


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def _add(make_record, n, start=0):
    for i in range(start, start + n):
        make_record(f"打印机卡纸处理方法 第{i}条", related_numbers=f"D0201-20260930{i:02d}")
    make_record(f"打印机卡纸草稿 {start}", publish=False)


@pytest.mark.parametrize(
    ("name", "params", "who"),
    [
        ("knowledge:list", {}, "agent"),
        ("knowledge:list", {"status": "published"}, "agent"),
        ("knowledge:list", {"q": "卡纸"}, "agent"),
        ("knowledge:search", {"q": "打印机卡纸"}, "end_user"),
        ("knowledge:search", {}, "end_user"),
        ("knowledge:suggest", {"q": "打印机卡纸"}, "end_user"),
    ],
)
def test_list_pages_have_flat_query_counts(client, make_record, request, name, params, who):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name)
    _add(make_record, 3)
    Category.active()  # the cached category table (suggestions' fault types), read once
    few = _queries(client, url, params)
    _add(make_record, 27, start=3)
    assert _queries(client, url, params) == few


def test_detail_page_query_count_is_flat(client, make_record, agent, supervisor):
    record = make_record()
    client.force_login(supervisor)
    few = _queries(client, record.get_absolute_url())
    for i in range(8):
        make_record(f"打印机卡纸处理 {i}")
    services.record_retire(record=make_record("打印机卡纸 旧"), actor=supervisor)
    assert _queries(client, record.get_absolute_url()) <= few + 1


def test_end_user_search_page_shows_only_public_published(client, make_record, end_user):
    make_record("打印机卡纸处理方法")
    make_record("打印机卡纸内部说明", audience=Audience.INTERNAL)
    make_record("打印机卡纸草稿", publish=False)
    client.force_login(end_user)
    page = client.get(reverse("knowledge:search"), {"q": "打印机卡纸"}).content.decode()
    assert "<mark>打印机卡纸</mark>处理方法" in page
    assert "内部说明" not in page and "草稿" not in page


def test_end_user_cannot_open_staff_pages(client, make_record, end_user):
    record = make_record(publish=False)
    client.force_login(end_user)
    assert client.get(reverse("knowledge:list")).status_code == 403
    assert client.get(reverse("knowledge:create")).status_code == 403
    assert client.get(record.get_absolute_url()).status_code == 404


def test_suggestion_partial_escapes_script(client, make_record, end_user):
    make_record("<script>alert(1)</script>打印机卡纸", symptom="<img src=x onerror=alert(2)>卡纸")
    client.force_login(end_user)
    response = client.get(
        reverse("knowledge:suggest"), {"q": "<script>打印机卡纸", "from": "report"}
    )
    body = response.content.decode()
    assert "<script>" not in body and "<img" not in body
    # The query's word "script" is marked too, inside the escaped text.
    assert (
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;<mark>打印机卡纸</mark>"
        in body
    )
    assert "?from=report" in body


def test_suggestion_takes_the_fault_forms_fields(client, make_record, end_user):
    record = make_record()
    client.force_login(end_user)
    response = client.get(reverse("knowledge:suggest"), {"title": "打印机", "description": "卡纸"})
    assert record.number in response.content.decode()
    empty = client.get(reverse("knowledge:suggest"))
    assert record.number not in empty.content.decode()


def test_vote_once_from_the_page_and_count_a_deflection(client, make_record, end_user):
    record = make_record()
    client.force_login(end_user)
    url = reverse("knowledge:feedback", args=[record.number])
    page = client.get(record.get_absolute_url(), {"from": "report"}).content.decode()
    assert 'name="from_report"' in page
    response = client.post(url, {"helpful": "yes", "from_report": "on"}, follow=True)
    assert "no need" in response.content.decode() or "do not need" in response.content.decode()
    client.post(url, {"helpful": "no"})
    record.refresh_from_db()
    assert (record.helpful_count, record.not_helpful_count) == (1, 0)
    assert KnowledgeFeedback.objects.get().from_report is True


def test_detail_counts_a_view(client, make_record, end_user):
    record = make_record()
    client.force_login(end_user)
    client.get(record.get_absolute_url())
    record.refresh_from_db()
    assert record.view_count == 1


def test_writer_creates_a_draft_from_the_form(client, engineer, fault):
    client.force_login(engineer)
    response = client.post(
        reverse("knowledge:create"),
        {
            "title": "网络不通排查",
            "fault_type": fault("网络设备", "网络不通").pk,
            "audience": "public",
            "symptom": "无法上网",
            "solution": "检查网线",
            "related_numbers": "D0201-2026093001",
        },
    )
    record = KnowledgeRecord.objects.get()
    assert response.status_code == 302 and response.url == record.get_absolute_url()
    assert record.status == Status.DRAFT and record.author == engineer


def test_form_errors_keep_the_text(client, engineer):
    client.force_login(engineer)
    response = client.post(reverse("knowledge:create"), {"title": "只有标题", "audience": "public"})
    assert response.status_code == 200
    assert "只有标题" in response.content.decode()
    assert not KnowledgeRecord.objects.exists()


def test_edit_page_of_a_published_record_refuses_with_a_message(client, make_record, engineer):
    record = make_record()
    client.force_login(engineer)
    response = client.get(reverse("knowledge:edit", args=[record.number]), follow=True)
    assert "new version" in response.content.decode()
    response = client.post(
        reverse("knowledge:act", args=[record.number, "new_version"]), follow=True
    )
    draft = KnowledgeRecord.objects.get(previous_version=record)
    assert response.redirect_chain[-1][0] == reverse("knowledge:edit", args=[draft.number])


def test_engineer_cannot_publish_from_the_page_supervisor_can(
    client, make_record, engineer, supervisor
):
    record = make_record(publish=False)
    client.force_login(engineer)
    assert client.post(reverse("knowledge:act", args=[record.number, "review"])).status_code == 403
    client.force_login(supervisor)
    client.post(reverse("knowledge:act", args=[record.number, "review"]))
    client.post(reverse("knowledge:act", args=[record.number, "publish"]))
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED


def test_merge_from_the_detail_page(client, make_record, supervisor):
    survivor = make_record()
    duplicate = make_record("打印机卡纸怎么处理", related_numbers="D0201-2026093009")
    client.force_login(supervisor)
    page = client.get(survivor.get_absolute_url()).content.decode()
    assert duplicate.number in page  # listed as similar, with a merge button
    client.post(reverse("knowledge:merge", args=[survivor.number]), {"duplicate": duplicate.number})
    survivor.refresh_from_db()
    assert "D0201-2026093009" in survivor.related_number_list


def test_merged_record_leads_end_users_to_the_survivor(client, make_record, supervisor, end_user):
    survivor = make_record()
    duplicate = make_record("打印机卡纸怎么处理")
    services.record_merge(duplicate=duplicate, survivor=survivor, actor=supervisor)
    client.force_login(end_user)
    response = client.get(reverse("knowledge:detail", args=[duplicate.number]))
    assert response.status_code == 302 and response.url == survivor.get_absolute_url()


@pytest.fixture
def resolved_order(db, end_user, agent, fault):
    from incidents import services as incident_services

    order = incident_services.work_order_create(
        actor=end_user,
        requester=end_user,
        title="三楼打印机卡纸",
        description="打印时提示卡纸，取不出来",
        category=fault("打印机", "卡纸"),
    )
    return incident_services.work_order_resolve(
        work_order=order, actor=agent, resolution="打开后盖取出碎纸，清洁搓纸轮"
    )


def test_draft_from_a_resolved_work_order(client, resolved_order, agent, fault):
    client.force_login(agent)
    url = reverse("knowledge:from_work_order", args=[resolved_order.number])
    page = client.get(url).content.decode()
    assert "打印时提示卡纸，取不出来" in page and "清洁搓纸轮" in page
    assert resolved_order.number in page
    response = client.post(
        url,
        {
            "title": "三楼打印机卡纸",
            "fault_type": fault("打印机", "卡纸").pk,
            "audience": "internal",
            "symptom": "打印时提示卡纸，取不出来",
            "solution": "打开后盖取出碎纸，清洁搓纸轮",
            "related_numbers": resolved_order.number,
            "source_work_order_number": resolved_order.number,
        },
    )
    assert response.status_code == 302
    record = KnowledgeRecord.objects.get()
    assert record.source_work_order_number == resolved_order.number
    assert record.related_number_list == [resolved_order.number]
    assert record.fault_type == fault("打印机", "卡纸")
    assert record.status == Status.DRAFT


def test_draft_from_work_order_refused_for_open_orders_and_end_users(
    client, end_user, agent, resolved_order
):
    from incidents import services as incident_services

    open_order = incident_services.work_order_create(
        actor=end_user, requester=end_user, title="打印机卡纸"
    )
    client.force_login(agent)
    assert (
        client.get(reverse("knowledge:from_work_order", args=[open_order.number])).status_code
        == 404
    )
    client.force_login(end_user)
    assert (
        client.get(reverse("knowledge:from_work_order", args=[resolved_order.number])).status_code
        == 403
    )


def test_nav_has_the_knowledge_link_for_end_users(client, end_user):
    client.force_login(end_user)
    page = client.get(reverse("knowledge:search")).content.decode()
    assert f'href="{reverse("knowledge:search")}"' in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Reviewed: it can now be published."), ("zh-hans", "已审核，现在可以发布。")],
)
def test_the_flash_message_after_an_action_is_in_the_readers_language(
    client, make_record, supervisor, language, expected
):
    """Translated when shown, not once when the module was imported (whatever language
    that happened in, one of the two readers would get the other's)."""
    from django.contrib.messages import get_messages

    record = make_record(publish=False)
    client.force_login(supervisor)
    response = client.post(
        reverse("knowledge:act", args=[record.number, "review"]),
        {"lock_version": record.lock_version},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]
