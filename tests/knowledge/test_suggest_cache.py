"""The work-order page's knowledge suggestions are cached as drawn, per audience and
language, until a record changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knowledge import services

pytestmark = pytest.mark.django_db

URL = reverse("knowledge:suggest")


def _ask(client, query="打印机卡纸"):
    response = client.get(URL, {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeated_question_is_answered_from_the_cache(client, agent, make_record):
    record = make_record()
    client.force_login(agent)
    first = _ask(client)
    assert record.number in first
    with CaptureQueriesContext(connection) as queries:
        again = _ask(client)
    assert again == first
    searched = [q for q in queries if "knowledge_" in q["sql"]]
    assert searched == []  # no search: only the session and the user are read


def test_a_published_or_retired_record_shows_at_once(client, agent, supervisor, make_record):
    first = make_record()
    client.force_login(agent)
    _ask(client)
    second = make_record("打印机卡纸后如何清洁搓纸轮")
    assert second.number in _ask(client)
    services.record_retire(record=first, actor=supervisor, note="过时")
    assert first.number not in _ask(client)


def test_each_audience_gets_its_own_answer(client, agent, end_user, make_record):
    public = make_record()
    internal = make_record("打印机卡纸内部处理", audience="internal")
    client.force_login(agent)
    staff_view = _ask(client)
    assert internal.number in staff_view and public.number in staff_view
    client.force_login(end_user)
    user_view = _ask(client)
    assert public.number in user_view and internal.number not in user_view


def test_each_language_gets_its_own_answer(client, agent, make_record):
    make_record()
    client.force_login(agent)
    english = client.get(URL, {"q": "打印机卡纸"}, headers={"Accept-Language": "en"})
    chinese = client.get(URL, {"q": "打印机卡纸"}, headers={"Accept-Language": "zh-hans"})
    assert "Knowledge records matching this fault" in english.content.decode()
    assert "Knowledge records matching this fault" not in chinese.content.decode()


def test_a_helpful_answer_updates_the_count_shown(client, agent, end_user, make_record):
    record = make_record()
    client.force_login(agent)
    assert "bi-hand-thumbs-up" not in _ask(client)
    services.record_feedback(record=record, actor=end_user, helpful=True)
    assert "bi-hand-thumbs-up" in _ask(client)


def test_without_a_cache_the_question_is_answered_all_the_same(
    client, agent, make_record, monkeypatch
):
    from knowledge import suggest_cache

    record = make_record()
    monkeypatch.setattr(suggest_cache, "version_token", lambda key, **kwargs: None)
    client.force_login(agent)
    assert record.number in _ask(client)
    assert record.number in _ask(client)


def test_the_work_order_page_puts_a_cached_answer_in_place(
    client, agent, end_user, supervisor, make_record
):
    """No second request when the answer is cached; the panel loads it when it is not."""
    from incidents import services as incident_services

    record = make_record("打印机卡纸<script>alert(1)</script>")
    order = incident_services.work_order_create(
        actor=end_user, requester=end_user, title="打印机卡纸"
    )
    client.force_login(agent)
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert URL in page and record.number not in page  # not cached yet: loaded on show
    _ask(client)  # as the panel asks
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert URL not in page and record.number in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    services.record_retire(record=record, actor=supervisor, note="过时")
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert URL in page  # a record changed: asked again
