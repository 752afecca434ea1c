"""Importing past work orders from the previous system: dry run writes nothing, per-line
errors in the user's language, historic records outside the live scans and figures,
re-import by old number changes nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from cmdb.choices import ImportMode, ImportStatus
from incidents import history_import, metrics, scans
from incidents.choices import Status
from incidents.models import HistoryImportBatch, WorkOrder, WorkOrderEvent
from servicedesk.models import Notification

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db

HEADER = "原工单号,标题,报障人,故障类型,报障时间,解决时间,关闭时间,状态,处理结果\n"
GOOD = (
    "OLD-1,打印机卡纸,王芳,卡纸,2025-06-03 09:12,2025-06-03 10:05,2025-06-03 16:00,已关闭,清理\n"
    "OLD-2,电脑蓝屏,enduser,蓝屏,2025/6/5 14:30,2025/6/5 16:10,,已解决,更新驱动\n"
)
BAD = "OLD-3,投影仪无信号,王芳,,2025-09-01 08:30,,,处理中,\nOLD-4,无人,查无此人,,昨天,,,已关闭,\n"


def _batch(user, text):
    batch = history_import.history_upload(actor=user, name="old.csv", content=text.encode())
    return history_import.history_preview(actor=user, batch=batch, mapping=batch.mapping)


def test_the_columns_are_guessed_and_the_dry_run_writes_nothing(supervisor, end_user):
    batch = _batch(supervisor, HEADER + GOOD + BAD)
    assert {"number", "title", "requester", "created_at", "status"} <= set(batch.mapping)
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.plan["counts"]["create"] == 2 and batch.plan["counts"]["error"] == 2
    assert not WorkOrder.objects.exists()


def test_each_bad_line_says_why_in_the_users_language(supervisor, end_user):
    with translation.override("zh-hans"):
        zh = _batch(supervisor, HEADER + GOOD + BAD).plan["rows"]
    with translation.override("en"):
        en = _batch(supervisor, HEADER + GOOD + BAD).plan["rows"]
    by_line = {row["line"]: row for row in zh}
    assert [label for label, _reason in by_line[4]["errors"]] == ["状态"]
    assert "历史" in by_line[4]["errors"][0][1]
    reasons = " ".join(reason for _label, reason in by_line[5]["errors"])
    assert "查无此人" in reasons and "昨天" in reasons
    english = " ".join(reason for row in en for _label, reason in row["errors"])
    assert "not a finished state" in english and "not a date and time" in english


def test_applying_writes_historic_records_outside_the_state_machine(supervisor, end_user):
    batch = _batch(supervisor, HEADER + GOOD + BAD)
    report = history_import.history_apply(actor=supervisor, batch=batch, mode=ImportMode.ALL_VALID)
    assert report["applied"] and report["written"] == 2
    first = WorkOrder.objects.get(external_number="OLD-1")
    assert first.imported_at and first.status == Status.CLOSED
    assert first.created_at == datetime(2025, 6, 3, 9, 12, tzinfo=SH)
    assert first.number.startswith("D0201-20250603") and first.number != "OLD-1"
    assert first.category.name == "卡纸" and first.requester == end_user
    second = WorkOrder.objects.get(external_number="OLD-2")
    assert second.status == Status.CLOSED and second.closed_at == second.resolved_at
    assert first.response_due_at is None and not WorkOrderEvent.objects.exists()
    assert not Notification.objects.exists()


def test_all_or_nothing_writes_nothing_when_a_line_is_bad(supervisor, end_user):
    batch = _batch(supervisor, HEADER + GOOD + BAD)
    report = history_import.history_apply(
        actor=supervisor, batch=batch, mode=ImportMode.ALL_OR_NOTHING
    )
    assert not report["applied"] and not WorkOrder.objects.exists()


def test_re_importing_the_same_file_changes_nothing_and_a_correction_updates(supervisor, end_user):
    history_import.history_apply(
        actor=supervisor, batch=_batch(supervisor, HEADER + GOOD), mode=ImportMode.ALL_VALID
    )
    numbers = set(WorkOrder.objects.values_list("number", flat=True))
    again = _batch(supervisor, HEADER + GOOD)
    assert again.plan["counts"]["unchanged"] == 2 and again.plan["counts"]["create"] == 0
    history_import.history_apply(actor=supervisor, batch=again, mode=ImportMode.ALL_VALID)
    assert set(WorkOrder.objects.values_list("number", flat=True)) == numbers
    corrected = _batch(supervisor, HEADER + GOOD.replace("打印机卡纸", "打印机卡纸（三楼）"))
    assert corrected.plan["counts"]["update"] == 1
    history_import.history_apply(actor=supervisor, batch=corrected, mode=ImportMode.ALL_VALID)
    assert WorkOrder.objects.get(external_number="OLD-1").title == "打印机卡纸（三楼）"
    assert WorkOrder.objects.count() == 2


def test_a_number_twice_in_one_file_is_an_error_on_the_second_line(supervisor, end_user):
    rows = _batch(supervisor, HEADER + GOOD + GOOD.splitlines(keepends=True)[0]).plan["rows"]
    assert [row["action"] for row in rows] == ["create", "create", "error"]


def test_imported_history_stays_out_of_the_scans_and_the_service_figures(
    supervisor, end_user, file_order
):
    history_import.history_apply(
        actor=supervisor, batch=_batch(supervisor, HEADER + GOOD), mode=ImportMode.ALL_VALID
    )
    # Even an imported order left "resolved" (as the old system had it) is not settled.
    WorkOrder.objects.filter(external_number="OLD-2").update(status=Status.RESOLVED)
    assert scans.auto_close_scan(now=timezone.now()) == 0
    assert scans.sla_scan() == dict.fromkeys(scans.sla_scan(), 0)
    start = datetime(2025, 6, 1, tzinfo=SH)
    assert not metrics.received_orders(start=start, end=start + timedelta(days=30)).exists()
    from incidents.period_selectors import work_orders_open_at

    assert not work_orders_open_at(at=datetime(2025, 6, 3, 12, tzinfo=SH)).exists()


def test_only_supervisors_and_admins_import(agent, engineer):
    with pytest.raises(PermissionDenied):
        history_import.history_upload(actor=agent, name="old.csv", content=(HEADER + GOOD).encode())


def test_the_pages_upload_preview_and_apply(client, supervisor, end_user, settings):
    client.force_login(supervisor)
    upload = client.post(
        reverse("incidents:history_import"),
        {"file": SimpleUploadedFile("old.csv", (HEADER + GOOD + BAD).encode())},
    )
    batch = HistoryImportBatch.objects.get()
    assert upload["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "原编号" in page
    form = {"action": "preview", **{k: str(v) for k, v in batch.mapping.items()}}
    client.post(batch.get_absolute_url(), form)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "第 4 行" in page and not WorkOrder.objects.exists()
    client.post(batch.get_absolute_url(), {"action": "apply", "mode": "all_valid"})
    assert WorkOrder.objects.count() == 2
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("incidents:history_import")).content.decode()
    assert "Import work-order history" in english
    detail = client.get(
        reverse("incidents:detail", args=[WorkOrder.objects.get(external_number="OLD-1").number])
    )
    assert "OLD-1" in detail.content.decode()


def test_the_desk_cannot_open_the_import_pages(client, agent):
    client.force_login(agent)
    assert client.get(reverse("incidents:history_import")).status_code == 403


def test_the_demo_history_file_imports_with_its_open_line_refused(
    supervisor, end_user, make_person
):
    from servicedesk.choices import Role

    make_person(Role.END_USER, username="user01", name="杨帆")
    make_person(Role.END_USER, username="user02", name="黄磊")
    from incidents.demo import HISTORY_FILE

    batch = _batch(supervisor, HISTORY_FILE.read_text(encoding="utf-8"))
    counts = batch.plan["counts"]
    assert counts["error"] == 1 and counts["create"] == 4, batch.plan["rows"]
