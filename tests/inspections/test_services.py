import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from inspections import services
from inspections.choices import ApprovalStatus, DiscrepancyStatus
from inspections.models import InspectionApproval, InspectionRecord, PlanDevice
from itsm.workflow import Conflict

from .conftest import all_pass, approve_all

pytestmark = pytest.mark.django_db


def test_plan_lists_devices_in_scope_on_a_route_per_floor(plan, devices):
    assert plan.number.startswith("D0801-")
    assert set(plan.devices.values_list("ci_id", flat=True)) == {d.pk for d in devices}
    assert plan.rounds.count() == 1
    route = plan.rounds.get()
    assert route.floor == "3" and route.devices.count() == 3


def test_plan_goes_through_three_approvals_in_turn_and_keeps_them(
    plan, engineer, supervisor, ops_approver, info_approver
):
    services.plan_submit(plan=plan, actor=engineer, lock_version=plan.lock_version)
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied):  # 运维部 cannot sign before the supervisor
        services.plan_decide(
            plan=plan, actor=ops_approver, approve=True, lock_version=plan.lock_version
        )
    plan = approve_all(plan, services.plan_decide, supervisor, ops_approver, info_approver)
    assert plan.status == ApprovalStatus.APPROVED
    assert list(plan.approvals.values_list("approver__username", flat=True)) == [
        "supervisor",
        "ops",
        "info",
    ]


def test_rejection_returns_the_plan_to_draft_with_the_reason(plan, engineer, supervisor):
    services.plan_submit(plan=plan, actor=engineer, lock_version=plan.lock_version)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.plan_decide(
            plan=plan, actor=supervisor, approve=False, lock_version=plan.lock_version
        )
    plan = services.plan_decide(
        plan=plan,
        actor=supervisor,
        approve=False,
        comment="缺少打印机",
        lock_version=plan.lock_version,
    )
    assert plan.status == ApprovalStatus.DRAFT
    assert plan.rejection_reason == "缺少打印机"
    assert InspectionApproval.objects.get().decision == "rejected"


def test_stale_lock_version_is_a_conflict(plan, engineer):
    with pytest.raises(Conflict):
        services.plan_submit(plan=plan, actor=engineer, lock_version=plan.lock_version - 1)


def test_record_saves_results_and_refuses_a_second_record_with_a_link(
    approved_plan, engineer, devices
):
    route = approved_plan.rounds.get()
    ci = devices[0]
    record = services.record_save(round=route, ci=ci, actor=engineer, lines=all_pass(ci))
    assert record.number.startswith("D0802-")
    assert record.lines.count() == len(services.DEFAULT_ITEMS)
    with pytest.raises(services.DuplicateRecord) as caught:
        services.record_save(round=route, ci=ci, actor=engineer, lines=all_pass(ci))
    assert caught.value.record == record
    assert record.get_absolute_url() in caught.value.as_html()


def test_device_not_in_plan_asks_to_add_it(approved_plan, engineer, make_ci):
    route = approved_plan.rounds.get()
    stranger = make_ci()
    with pytest.raises(services.NotInPlan):
        services.record_save(round=route, ci=stranger, actor=engineer, lines=all_pass(stranger))
    assert not InspectionRecord.objects.exists()
    services.record_save(
        round=route, ci=stranger, actor=engineer, lines=all_pass(stranger), add_to_plan=True
    )
    assert PlanDevice.objects.get(plan=approved_plan, ci=stranger).added_on_site


def test_offline_resend_with_same_client_id_adds_nothing(approved_plan, engineer, devices):
    route = approved_plan.rounds.get()
    ci = devices[0]
    first = services.record_save(
        round=route, ci=ci, actor=engineer, lines=all_pass(ci), client_id="abc"
    )
    again = services.record_save(
        round=route, ci=ci, actor=engineer, lines=all_pass(ci), client_id="abc"
    )
    assert first == again and InspectionRecord.objects.count() == 1


def test_records_wait_for_the_approved_plan(plan, engineer, devices):
    route = plan.rounds.get()
    with pytest.raises(PermissionDenied):
        services.record_save(round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0]))


def test_failed_item_needs_a_note_and_opens_a_work_order_linked_both_ways(
    approved_plan, engineer, devices
):
    route = approved_plan.rounds.get()
    ci = devices[0]
    lines = all_pass(ci)
    lines[1].result = "fail"
    with pytest.raises(ValidationError):
        services.record_save(round=route, ci=ci, actor=engineer, lines=lines)
    lines[1].note = "风扇异响"
    record = services.record_save(round=route, ci=ci, actor=engineer, lines=lines)
    line = record.lines.get(result="fail")
    work_order = services.line_raise_work_order(line=line, actor=engineer)
    line.refresh_from_db()
    assert line.work_order == work_order and work_order.device == ci
    assert work_order.links.get().target == record
    assert services.line_raise_work_order(line=line, actor=engineer) == work_order


def test_accepted_discrepancy_updates_the_ci_naming_the_record(
    approved_plan, engineer, supervisor, devices, other_location
):
    from auditlog.models import LogEntry

    route = approved_plan.rounds.get()
    ci = devices[0]
    record = services.record_save(
        round=route,
        ci=ci,
        actor=engineer,
        lines=all_pass(ci),
        observed=services.Observed(location=other_location, ip_address="10.0.0.9"),
    )
    location_d, ip_d = sorted(record.discrepancies.all(), key=lambda d: d.field != "location")
    with pytest.raises(PermissionDenied):
        services.discrepancy_decide(discrepancy=location_d, actor=engineer, accept=True)
    services.discrepancy_decide(discrepancy=location_d, actor=supervisor, accept=True)
    services.discrepancy_decide(discrepancy=ip_d, actor=supervisor, accept=False, note="临时地址")
    ci.refresh_from_db()
    assert ci.location == other_location and ci.ip_address is None
    entry = LogEntry.objects.get_for_object(ci).first()
    assert record.number in entry.additional_data["reason"]
    location_d.refresh_from_db()
    assert location_d.status == DiscrepancyStatus.ACCEPTED


def test_report_cannot_be_submitted_while_the_plan_is_unapproved(plan, engineer):
    report = services.report_create(plan=plan, actor=engineer, evaluation="良好")
    with translation.override("en"), pytest.raises(PermissionDenied, match="plan is not approved"):
        services.report_submit(report=report, actor=engineer, lock_version=report.lock_version)


def test_approved_report_locks_records_and_archives_a_pdf(
    approved_plan, engineer, supervisor, ops_approver, info_approver, devices, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    route = approved_plan.rounds.get()
    record = services.record_save(
        round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0])
    )
    report = services.report_create(plan=approved_plan, actor=engineer, evaluation="总体良好")
    report = services.report_submit(report=report, actor=engineer, lock_version=report.lock_version)
    assert report.figures["in_scope"] == 3 and report.figures["inspected"] == 1
    report = approve_all(report, services.report_decide, supervisor, ops_approver, info_approver)
    report.refresh_from_db()
    assert report.status == ApprovalStatus.APPROVED
    assert report.pdf.read().startswith(b"%PDF")
    record.refresh_from_db()
    assert record.locked


def test_next_month_copy_is_made_once(approved_plan, engineer):
    from itsm.actors import system_user

    first = services.plan_copy_for_next_month(plan=approved_plan, actor=system_user())
    assert first.period.month == 1 and first.status == ApprovalStatus.DRAFT
    assert services.plan_copy_for_next_month(plan=approved_plan, actor=system_user()) is None


def test_failed_item_goes_to_problem_management_for_the_supervisor(
    approved_plan, engineer, supervisor, devices
):
    route = approved_plan.rounds.get()
    ci = devices[0]
    lines = all_pass(ci)
    lines[0].result, lines[0].note = "fail", "屏幕闪烁，上月同样故障"
    record = services.record_save(round=route, ci=ci, actor=engineer, lines=lines)
    line = record.lines.get(result="fail")
    work_order = services.line_raise_work_order(line=line, actor=engineer)
    with pytest.raises(PermissionDenied):
        services.line_raise_problem(line=line, actor=engineer)
    problem = services.line_raise_problem(line=line, actor=supervisor)
    line.refresh_from_db()
    assert line.problem == problem and record.number in problem.description
    assert work_order in problem.work_orders.all()


def test_photo_keeps_the_work_orders_upload_rules(
    approved_plan, engineer, devices, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.uploadedfile import SimpleUploadedFile

    route = approved_plan.rounds.get()
    ci = devices[0]
    lines = all_pass(ci)
    lines[0].photo = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    with pytest.raises(ValidationError):
        services.record_save(round=route, ci=ci, actor=engineer, lines=lines)
    assert not InspectionRecord.objects.exists()
    lines[0].photo = SimpleUploadedFile("seal.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    record = services.record_save(round=route, ci=ci, actor=engineer, lines=lines)
    line = record.lines.get(order=1)
    assert ci.asset_tag in line.photo_caption and "张伟" in line.photo_caption
