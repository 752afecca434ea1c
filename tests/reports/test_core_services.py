"""Generating, versioning, signing off and delivering reports (the core's services)."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itsm.actors import system_user
from itsm.workflow import Conflict
from reports import delivery, registry, services
from reports.choices import ReportStatus
from reports.models import Report, ReportDelivery
from reports.periods import Period
from servicedesk.choices import ApprovalBody, Role
from servicedesk.models import Notification
from tests.reports.core_fixtures import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "report_data")]

SEPTEMBER = Period.month(2026, 9)


def _generate(actor, code="service_summary", period=SEPTEMBER, **kwargs):
    kwargs.setdefault("today", TODAY)
    return services.report_generate(type=code, period=period, actor=actor, **kwargs)


def _figure(report):
    return report.data[0]["figures"][0]["value"]


def test_generating_freezes_the_sections_under_the_types_form_number(fake_sections, manager):
    report = _generate(manager, options={"suggestions": "多巡检"})
    assert report.status == ReportStatus.DRAFT and report.version == 1
    assert report.number.startswith("D0105-")  # the monthly service summary's code
    assert _figure(report) == 2  # two work orders filed in September
    assert report.data[0]["text"] == "多巡检"
    assert report.due_on == date(2026, 9, 30)  # the 5th of October is National Day
    repair = _generate(manager, "repair_summary")
    assert repair.number.startswith("D0708-")


def test_form_code_is_taken_from_admin_when_set(fake_sections, manager):
    from itsm.models import FormCode

    FormCode.objects.filter(key="report_service_summary").update(code="X0001")
    assert _generate(manager).number.startswith("X0001-")


def test_a_rerun_or_second_worker_changes_nothing(fake_sections, manager):
    first = _generate(manager)
    again = _generate(system_user())
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    # One build per section of the report; the rerun did not even build.
    assert len(fake_sections.CALLS) == len(registry.REPORT_TYPES["service_summary"].sections)


def test_regenerating_makes_a_new_version_and_keeps_the_old(fake_sections, manager, report_order):
    first = _generate(manager)
    report_order(datetime(2026, 9, 30, 3, 0, tzinfo=UTC), "late filing")
    first.refresh_from_db()
    assert _figure(first) == 2  # frozen: later work orders do not change it
    second = _generate(manager, regenerate=True)
    first.refresh_from_db()
    assert (second.version, _figure(second)) == (2, 3)
    assert first.status == ReportStatus.SUPERSEDED and _figure(first) == 2


def test_regenerating_a_delivered_report_keeps_the_delivered_one(fake_sections, supervisor):
    first = _generate(supervisor)
    first = services.report_confirm(report=first, actor=supervisor, lock_version=first.lock_version)
    first = services.report_deliver(
        report=first, actor=supervisor, lock_version=first.lock_version, by_hand=True
    )
    second = _generate(supervisor, regenerate=True)
    first.refresh_from_db()
    assert first.status == ReportStatus.DELIVERED and second.version == 2


def test_a_failing_builder_keeps_the_previous_version(fake_sections, manager, monkeypatch):
    first = _generate(manager)
    from reports import registry

    for name in registry.SECTION_BUILDERS:
        monkeypatch.setitem(registry.SECTION_BUILDERS, name, "tests.reports.failing_sections")
    with pytest.raises(ValidationError) as error:
        _generate(manager, regenerate=True)
    assert "selector exploded" in error.value.messages[0]
    assert "previous version is kept" in error.value.messages[0]
    first.refresh_from_db()
    assert first.status == ReportStatus.DRAFT
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("period", "preliminary", "code", "words"),
    [
        (Period.month(2026, 12), False, "future", "has not begun"),
        (Period.month(2025, 12), False, "before_data", "before any data"),
        (Period.month(2026, 11), False, "open", "not over yet"),
        (Period.quarter(2026, 3), False, "kind", "covers a month"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_message(
    fake_sections, manager, period, preliminary, code, words
):
    with pytest.raises(ValidationError) as error:
        _generate(manager, period=period, preliminary=preliminary)
    assert error.value.code == code and words in error.value.messages[0]
    assert not Report.objects.exists()


def test_no_work_orders_at_all_is_refused(fake_sections, manager):
    from incidents.models import WorkOrder

    WorkOrder.objects.all().delete()
    with pytest.raises(ValidationError, match="no work orders"):
        _generate(manager)


def test_an_open_period_is_previewed_as_preliminary_then_replaced(fake_sections, manager):
    november = Period.month(2026, 11)
    preview = _generate(manager, period=november, preliminary=True)
    assert preview.preliminary and fake_sections.CALLS[-1][1]["preliminary"] is True
    final = _generate(manager, period=november, today=date(2026, 12, 1))
    preview.refresh_from_db()
    assert not final.preliminary and final.version == 2
    assert preview.status == ReportStatus.SUPERSEDED


def test_preliminary_is_ignored_for_a_closed_period(fake_sections, manager):
    assert not _generate(manager, preliminary=True).preliminary


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.SERVICE_DESK, Role.END_USER, Role.APPROVER])
def test_only_managers_and_supervisors_generate(fake_sections, make_person, role):
    with pytest.raises(PermissionDenied):
        _generate(make_person(role))


@pytest.fixture
def ops_approver(make_person):
    return make_person(Role.APPROVER, approval_body=ApprovalBody.OPS_DEPARTMENT)


def test_sign_off_with_client_approval(fake_sections, manager, supervisor, ops_approver):
    report = _generate(manager, "operations_month")
    with pytest.raises(PermissionDenied, match="Only the service supervisor"):
        services.report_confirm(report=report, actor=manager, lock_version=report.lock_version)
    report = services.report_confirm(
        report=report, actor=supervisor, lock_version=report.lock_version
    )
    with pytest.raises(PermissionDenied, match="client approves"):
        services.report_deliver(
            report=report, actor=supervisor, lock_version=report.lock_version, by_hand=True
        )
    report = services.report_approve(
        report=report, actor=ops_approver, lock_version=report.lock_version
    )
    assert report.approval_body == ApprovalBody.OPS_DEPARTMENT
    report = services.report_deliver(
        report=report, actor=manager, lock_version=report.lock_version, by_hand=True
    )
    assert report.status == ReportStatus.DELIVERED
    assert ReportDelivery.objects.get(report=report).by_hand


def test_approval_is_not_asked_for_types_without_it(fake_sections, supervisor, ops_approver):
    report = _generate(supervisor)
    report = services.report_confirm(
        report=report, actor=supervisor, lock_version=report.lock_version
    )
    with pytest.raises(PermissionDenied, match="cannot see"):  # not shown to the client
        services.report_approve(report=report, actor=ops_approver, lock_version=None)
    with pytest.raises(PermissionDenied, match="does not need"):
        services.report_approve(report=report, actor=supervisor, lock_version=None)


def test_a_stale_lock_version_is_a_conflict(fake_sections, supervisor):
    report = _generate(supervisor)
    with pytest.raises(Conflict):
        services.report_confirm(
            report=report, actor=supervisor, lock_version=report.lock_version - 1
        )


def test_a_preliminary_preview_is_not_confirmed(fake_sections, supervisor):
    report = _generate(supervisor, period=Period.month(2026, 11), preliminary=True)
    with pytest.raises(PermissionDenied, match="preliminary"):
        services.report_confirm(report=report, actor=supervisor, lock_version=None)


def test_delivery_without_recipients_is_refused(fake_sections, supervisor):
    report = _generate(supervisor)
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    with pytest.raises(ValidationError, match="No recipients"):
        services.report_deliver(report=report, actor=supervisor, lock_version=None)
    report.refresh_from_db()
    assert report.status == ReportStatus.CONFIRMED


def test_delivery_mails_each_recipient_and_records_bad_addresses(
    fake_sections, fake_renderers, supervisor, manager, make_person, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    setting = services.report_setting_get("service_summary")
    no_mail = make_person(Role.MANAGER)
    no_mail.email = ""
    no_mail.save()
    setting.recipients.add(manager, no_mail)
    setting.addresses = "client@example.gov.cn\nnot-an-address\n"
    setting.save()
    report = _generate(supervisor)
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_deliver(report=report, actor=supervisor, lock_version=None)
    reports_sent = [m for m in mailoutbox if m.attachments]
    assert sorted(m.to[0] for m in reports_sent) == ["client@example.gov.cn", manager.email]
    attachment = reports_sent[0].attachments[0]
    assert attachment[0].endswith(".pdf") and attachment[1].startswith(b"%PDF")
    rows = {d.address: d for d in ReportDelivery.objects.filter(report=report)}
    assert rows["not-an-address"].error == "Not a valid e-mail address."
    assert rows[""].error == "This user has no e-mail address."
    assert rows["client@example.gov.cn"].sent_at is not None
    told = Notification.objects.get(recipient=supervisor, subject__contains="did not reach")
    assert "not-an-address" in told.body
    # A retried task mails nobody twice.
    assert delivery.report_mail_send(report_pk=report.pk)["sent"] == 0
    assert len([m for m in mailoutbox if m.attachments]) == 2


def test_a_pdf_that_fails_to_render_is_not_mailed(
    fake_sections, fake_renderers, supervisor, manager, mailoutbox, monkeypatch
):
    import reports

    def broken(document, *, language):
        raise RuntimeError("font missing")

    monkeypatch.setattr(reports.pdf, "render_pdf", broken)
    setting = services.report_setting_get("service_summary")
    setting.recipients.add(manager)
    report = _generate(supervisor)
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    report = services.report_deliver(report=report, actor=supervisor, lock_version=None)
    assert delivery.report_mail_send(report_pk=report.pk) == {"sent": 0, "failed": 1}
    assert not [m for m in mailoutbox if m.attachments]
    assert "font missing" in ReportDelivery.objects.get().error


def test_a_worker_that_finishes_second_returns_the_first_ones_report(
    fake_sections, manager, monkeypatch
):
    from reports import registry

    original = registry.build_sections
    parallel = {}

    def slow_build(*args, **kwargs):
        # While this worker builds, another one generates the same report and commits.
        if not parallel:
            parallel["started"] = True
            parallel["report"] = _generate(system_user())
        return original(*args, **kwargs)

    monkeypatch.setattr(registry, "build_sections", slow_build)
    report = _generate(manager)
    assert report.pk == parallel["report"].pk
    assert Report.objects.count() == 1
