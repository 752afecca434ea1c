"""The issue's "Done when" flows in a 390 px phone browser."""

import re
import subprocess

import pytest
from auditlog.models import LogEntry

from inspections.choices import ApprovalStatus, DiscrepancyStatus
from inspections.models import Discrepancy, InspectionRecord, InspectionReport

# serialized_rollback: an earlier transactional test may have flushed the migrations' seed
# data (service levels, working hours) that opening a work order needs.
pytestmark = pytest.mark.django_db(transaction=True)


def _as(context, browser_login, user):
    context.clear_cookies()
    browser_login(context, user)
    return context


def _sign(context, browser_login, url, signers):
    for signer in signers:
        page = _as(context, browser_login, signer).new_page()
        page.goto(url)
        page.fill("#decision-comment", "同意")
        page.get_by_role("button", name="批准").click()
        page.wait_for_load_state()
        page.close()


def test_phone_plan_round_and_report(
    phone_context,
    browser_login,
    plan,
    devices,
    engineer,
    supervisor,
    ops_approver,
    info_approver,
    other_location,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = tmp_path
    page = _as(phone_context, browser_login, engineer).new_page()
    page.goto(plan.get_absolute_url())
    page.get_by_role("button", name="提交审批").click()
    page.wait_for_load_state()
    signers = (supervisor, ops_approver, info_approver)
    _sign(phone_context, browser_login, plan.get_absolute_url(), signers)
    plan.refresh_from_db()
    assert plan.status == ApprovalStatus.APPROVED and plan.approvals.count() == 3
    approved_plan = plan
    route = approved_plan.rounds.get()
    page = _as(phone_context, browser_login, engineer).new_page()
    page.goto(route.get_absolute_url())
    for n, ci in enumerate(devices):
        # A USB scanner types the tag and Enter into the focused field.
        page.fill("#tag", ci.asset_tag)
        page.press("#tag", "Enter")
        page.wait_for_url(re.compile(rf"/devices/{ci.pk}/$"))
        if n == 0:
            page.locator("fieldset").first.get_by_label("不合格").check()
            page.locator("fieldset").first.locator("input[type=text]").fill("键盘污损")
        if n == 1:
            page.locator("details summary").click()
            page.select_option("#id_observed_location", str(other_location.pk))
        if n == 0:
            page.screenshot(path=tmp_path / "record-390.png", full_page=True)
        page.get_by_role("button", name="保存此设备").click()
        page.wait_for_url(re.compile(rf"/rounds/{route.pk}/$"))
    assert "3 / 3" in page.locator("#progress").inner_text()
    page.screenshot(path=tmp_path / "round-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    failing = InspectionRecord.objects.get(ci=devices[0])
    page.goto(failing.get_absolute_url())
    page.get_by_role("button", name="开工作单").click()
    line = failing.lines.get(result="fail")
    line.refresh_from_db()
    assert line.work_order is not None
    assert page.get_by_text(line.work_order.number).count() >= 1
    assert line.work_order.links.get().target == failing

    page = _as(phone_context, browser_login, supervisor).new_page()
    page.goto("/inspections/discrepancies/")
    page.get_by_role("button", name=re.compile("采纳")).first.click()
    page.wait_for_load_state()
    mismatch = Discrepancy.objects.get()
    assert mismatch.status == DiscrepancyStatus.ACCEPTED
    record = mismatch.record
    devices[1].refresh_from_db()
    assert devices[1].location == other_location
    assert (
        record.number
        in LogEntry.objects.get_for_object(devices[1]).first().additional_data["reason"]
    )

    page = _as(phone_context, browser_login, engineer).new_page()
    page.goto(approved_plan.get_absolute_url())
    page.get_by_role("button", name="编写巡检报告").click()
    page.fill("#id_evaluation", "本月巡检完成，发现键盘污损一处。")
    page.fill("#id_suggestions", "建议更换老旧键盘。")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交审批").click()
    report = InspectionReport.objects.get()
    assert report.status == ApprovalStatus.AWAITING_SUPERVISOR
    _sign(phone_context, browser_login, report.get_absolute_url(), signers)
    page = phone_context.new_page()
    page.goto(report.get_absolute_url())
    report.refresh_from_db()
    assert report.status == ApprovalStatus.APPROVED
    page.screenshot(path=tmp_path / "report-390.png", full_page=True)
    pdf = page.request.get(f"/inspections/reports/{report.pk}/report.pdf").body()
    target = tmp_path / "report.pdf"
    target.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True).stdout
    assert "巡检报告" in text and "键盘污损" in text


def test_offline_round_syncs_every_record_once_back_online(
    phone_context, browser_login, approved_plan, devices, engineer, tmp_path
):
    route = approved_plan.rounds.get()
    page = _as(phone_context, browser_login, engineer).new_page()
    page.goto(f"/inspections/rounds/{route.pk}/offline/")
    page.wait_for_selector("#device-list button")
    phone_context.set_offline(True)
    page.fill("#tag", "NOT-ON-ROUND")
    page.press("#tag", "Enter")
    assert "NOT-ON-ROUND" in page.locator("#scan-message").inner_text()
    for n, ci in enumerate(devices):
        if n == 0:  # a USB scanner types the tag and Enter, offline too
            page.fill("#tag", ci.asset_tag)
            page.press("#tag", "Enter")
        else:
            page.get_by_role("button", name=re.compile(ci.asset_tag)).click()
        page.get_by_role("button", name="保存此设备").click()
    assert page.locator("#queue-count").inner_text() == "3"
    assert InspectionRecord.objects.count() == 0
    page.screenshot(path=tmp_path / "offline-390.png", full_page=True)
    phone_context.set_offline(False)
    page.wait_for_function(
        "document.getElementById('queue-count').textContent === '0'", timeout=20_000
    )
    assert InspectionRecord.objects.filter(round=route).count() == 3
    assert page.locator("#conflicts .alert").count() == 0
