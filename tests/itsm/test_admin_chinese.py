"""Issue 16 item 15: the Chinese admin names every app in Chinese, shows statuses by name in
the transition logs, and puts local times (not UTC) in object titles."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from itsm.mixins import local_minute

pytestmark = pytest.mark.django_db


@pytest.fixture
def zh_admin(client, admin_user):
    client.force_login(admin_user)
    client.cookies["django_language"] = "zh-hans"
    return client


def test_admin_index_has_no_english_app_names(zh_admin):
    body = zh_admin.get(reverse("admin:index")).content.decode()
    assert "登录保护" in body and "审计日志" in body
    for english in ("Axes", "AXES", "Audit log", "access attempts", "access logs"):
        assert english not in body, english


def test_login_attempt_columns_are_chinese(zh_admin):
    body = zh_admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "尝试时间" in body and "Attempt Time" not in body


def test_transition_log_shows_statuses_by_name(zh_admin, supervisor):
    from itsm.services import transition_record
    from problems import services

    problem = services.problem_create(actor=supervisor, title="打印机反复卡纸")
    log = transition_record(
        subject=problem,
        transition="confirm_known_error",
        source="root_cause_known",
        target="known_error",
        actor=supervisor,
    )
    with translation.override("zh-hans"):
        assert "→ 已知错误" in str(log)
    body = zh_admin.get(reverse("admin:itsm_transitionlog_changelist")).content.decode()
    assert "已知错误" in body
    assert ">known_error<" not in body and ">root_cause_known<" not in body
    page = zh_admin.get(reverse("admin:itsm_transitionlog_change", args=[log.pk]))
    assert "已知错误" in page.content.decode()


def test_titles_carry_local_time_not_utc(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime(2026, 9, 6, 6, 30, tzinfo=UTC)
    assert local_minute(moment) == "2026-09-06 14:30"


def test_work_order_event_title_is_local(end_user):
    from incidents import services
    from incidents.models import WorkOrderEvent

    services.work_order_create(actor=end_user, requester=end_user, title="键盘失灵")
    event = WorkOrderEvent.objects.first()
    assert local_minute(event.at) in str(event)
    assert f"{event.at:%Y-%m-%d %H:%M}" not in str(event)  # the UTC reading (8 h earlier)
