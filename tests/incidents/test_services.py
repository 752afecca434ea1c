from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from incidents import services
from incidents.choices import CloseReason, EventKind, HoldReason, Level3, Priority, Status
from incidents.models import WorkOrder
from itsm import workflow
from servicedesk.calendar import holidays_sync
from servicedesk.models import Person, ServiceLevel

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_filing_numbers_prioritises_and_starts_clocks(file_order, end_user):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order(impact=Level3.MEDIUM, urgency=Level3.MEDIUM)
    assert wo.number == "D0201-2026112401"
    assert wo.priority == Priority.P3
    assert wo.service_level.code == "standard"
    assert wo.response_due_at == datetime(2026, 11, 24, 11, 0, tzinfo=SH)
    assert wo.resolve_due_at == datetime(2026, 11, 24, 14, 30, tzinfo=SH)
    assert wo.dispatch_due_at == datetime(2026, 11, 24, 9, 10, tzinfo=SH)
    assert list(wo.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_due_times_skip_national_day_2026(file_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        holidays_sync(years=[2026])
    with time_machine.travel(datetime(2026, 9, 30, 16, 0, tzinfo=SH), tick=False):
        wo = file_order()
    # Standard: 2 h response, 4 h resolution; 1.5 h left on 30 Sep, then Thursday 8 Oct.
    assert wo.response_due_at == datetime(2026, 10, 8, 9, 0, tzinfo=SH)
    assert wo.resolve_due_at == datetime(2026, 10, 8, 11, 0, tzinfo=SH)


def test_service_level_is_the_higher_of_requester_and_device(file_order, end_user, vip_level):
    Person.objects.filter(user=end_user).update(service_level=vip_level)
    end_user.person.refresh_from_db()
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order(impact=Level3.HIGH, urgency=Level3.HIGH)
    assert wo.service_level == vip_level
    assert wo.priority == Priority.P1
    assert wo.response_due_at == datetime(2026, 11, 24, 9, 30, tzinfo=SH)  # P1 policy: 30 min


def test_only_the_desk_files_for_someone_else(file_order, engineer, end_user):
    with pytest.raises(PermissionDenied):
        file_order(actor=engineer, requester=end_user)


def test_full_lifecycle_with_callback(file_order, agent, engineer, end_user):
    wo = file_order()
    wo = services.work_order_assign(work_order=wo, actor=agent, assignee=engineer, note="请去三楼")
    assert wo.status == Status.ASSIGNED and wo.accept_due_at
    wo = services.work_order_start(work_order=wo, actor=engineer)
    assert wo.responded_at is not None
    wo = services.work_order_resolve(work_order=wo, actor=engineer, resolution="取出卡纸")
    assert wo.status == Status.RESOLVED and not wo.first_contact_resolution
    callback = services.callback_record(
        work_order=wo, actor=agent, reached=True, satisfaction=5, comment="满意"
    )
    wo.refresh_from_db()
    assert wo.status == Status.CLOSED
    assert wo.close_reason == CloseReason.CALLBACK
    # The call-back's answer is kept apart from the user's own rating.
    assert wo.callback_satisfaction == 5 and wo.rating is None and callback.satisfaction == 5
    transitions = list(
        wo.events.filter(kind=EventKind.TRANSITION).values_list("status_to", flat=True)
    )
    assert transitions == [Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]


def test_desk_resolution_counts_as_first_contact(file_order, agent):
    wo = services.work_order_resolve(
        work_order=file_order(), actor=agent, resolution="电话指导重启"
    )
    assert wo.first_contact_resolution


def test_hold_pauses_and_resume_extends_the_resolution_clock(file_order, agent, engineer):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order()
        wo = services.work_order_assign(work_order=wo, actor=agent, assignee=engineer)
        wo = services.work_order_start(work_order=wo, actor=engineer)
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=SH), tick=False):
        wo = services.work_order_hold(work_order=wo, actor=engineer, reason=HoldReason.PARTS)
    assert wo.resolve_due_at is None  # paused: never overdue while waiting
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False):
        wo = services.work_order_resume(work_order=wo, actor=engineer)
    # 1 h used before the hold; 3 h remain from Wednesday 10:00.
    assert wo.resolve_due_at == datetime(2026, 11, 25, 14, 30, tzinfo=SH)


def test_reprioritising_replays_the_clock(file_order, agent):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order(impact=Level3.LOW, urgency=Level3.LOW)
        wo = services.work_order_reprioritise(
            work_order=wo, actor=agent, impact=Level3.HIGH, urgency=Level3.HIGH
        )
    assert wo.priority == Priority.P1
    assert wo.response_due_at == datetime(2026, 11, 24, 9, 30, tzinfo=SH)
    assert wo.events.filter(kind=EventKind.PRIORITY).exists()


def test_illegal_transition_is_refused_clearly(file_order, agent):
    wo = file_order()
    with pytest.raises(workflow.IllegalTransition, match=str(Status.NEW.label)):
        services.work_order_close(work_order=wo, actor=agent)
    wo.refresh_from_db()
    assert wo.status == Status.NEW


def test_stale_lock_version_is_a_conflict_and_changes_nothing(file_order, agent, engineer):
    wo = file_order()
    seen = wo.lock_version
    services.work_order_assign(work_order=wo, actor=agent, assignee=engineer, lock_version=seen)
    with translation.override("en"), pytest.raises(workflow.Conflict, match="someone else"):
        services.work_order_cancel(
            work_order=wo, actor=agent, reason="duplicate", lock_version=seen
        )
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.ASSIGNED


def test_end_user_cannot_dispatch_or_close(file_order, end_user, engineer):
    wo = file_order()
    with pytest.raises(PermissionDenied):
        services.work_order_assign(work_order=wo, actor=end_user, assignee=engineer)


def test_engineer_cannot_work_someone_elses_order(file_order, agent, engineer, make_person):
    from servicedesk.choices import Role

    other = make_person(Role.ENGINEER)
    wo = services.work_order_assign(work_order=file_order(), actor=agent, assignee=other)
    with pytest.raises(PermissionDenied):
        services.work_order_start(work_order=wo, actor=engineer)


def test_requester_reopens_with_a_reason_and_confirms(file_order, agent, end_user):
    wo = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="已处理")
    with pytest.raises(ValidationError):
        services.work_order_reopen(work_order=wo, actor=end_user, note="  ")
    wo = services.work_order_reopen(work_order=wo, actor=end_user, note="还是卡纸")
    assert wo.status == Status.REOPENED and wo.reopen_count == 1
    assert wo.resolve_due_at is not None


def test_rating_only_once_resolved_and_in_range(file_order, agent, end_user):
    wo = file_order()
    with pytest.raises(ValidationError):
        services.work_order_rate(work_order=wo, actor=end_user, rating=5)
    wo = services.work_order_resolve(work_order=wo, actor=agent, resolution="ok")
    with pytest.raises(ValidationError):
        services.work_order_rate(work_order=wo, actor=end_user, rating=6)
    wo = services.work_order_rate(work_order=wo, actor=end_user, rating=4, comment="快")
    assert wo.rating == 4


def test_requester_may_withdraw_only_before_dispatch(file_order, agent, engineer, end_user):
    wo = services.work_order_cancel(work_order=file_order(), actor=end_user, reason="withdrawn")
    assert wo.status == Status.CANCELLED
    wo = services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)
    with pytest.raises(PermissionDenied):
        services.work_order_cancel(work_order=wo, actor=end_user, reason="withdrawn")


def test_comments_notify_the_other_side(
    file_order, agent, engineer, end_user, mailoutbox, django_capture_on_commit_callbacks
):
    wo = services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)
    with django_capture_on_commit_callbacks(execute=True):
        services.work_order_comment(work_order=wo, actor=end_user, body="<b>还在卡</b>")
    assert any("engineer@" in m.to[0] for m in mailoutbox)
    note = services.work_order_comment(
        work_order=wo, actor=engineer, body="内部备注", internal=True
    )
    assert note.is_internal
    with pytest.raises(PermissionDenied):
        services.work_order_comment(work_order=wo, actor=end_user, body="x", internal=True)


def test_forbidden_attachment_keeps_nothing(file_order, end_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("页面.html", b"<script>alert(1)</script>", content_type="text/html")
    with pytest.raises(ValidationError, match="页面.html"):
        file_order(files=[bad])
    assert not WorkOrder.objects.exists()


def test_attachment_keeps_its_chinese_name(file_order):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("故障照片.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg")
    wo = file_order(files=[photo])
    attachment = wo.attachments.get()
    assert attachment.original_name == "故障照片.jpg"
    assert "故障照片" not in attachment.file.name


def test_levels_are_editable_and_apply_to_new_orders(file_order):
    ServiceLevel.objects.filter(code="standard").update(response_minutes=30, resolution_minutes=60)
    from incidents.models import SlaPolicy

    SlaPolicy.objects.filter(service_level__code="standard").update(
        response_minutes=30, resolution_minutes=60
    )
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order()
    assert wo.resolve_due_at - wo.created_at == timedelta(hours=1)


def test_merge_moves_comments_and_attachments_and_cancels_the_duplicate(
    file_order, agent, end_user
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    original = file_order(title="三楼打印机卡纸")
    duplicate = file_order(
        title="打印机又卡纸",
        files=[SimpleUploadedFile("照片.png", b"\x89PNG....", content_type="image/png")],
    )
    services.work_order_comment(work_order=duplicate, actor=end_user, body="补充：型号 HP M403")
    services.work_order_merge(duplicate=duplicate, into=original, actor=agent, note="同一故障")
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CANCELLED and duplicate.merged_into == original
    assert original.attachments.filter(original_name="照片.png").exists()
    assert original.events.filter(kind=EventKind.COMMENT, body__contains="HP M403").exists()
    assert original.events.filter(kind=EventKind.MERGE).exists()


def test_cannot_merge_into_itself(file_order, agent):
    wo = file_order()
    with pytest.raises(ValidationError):
        services.work_order_merge(duplicate=wo, into=wo, actor=agent)


def test_resolving_the_parent_resolves_its_children(file_order, agent, make_person):
    parent = file_order(title="整层网络中断")
    children = [
        file_order(requester=make_person(), actor=agent, title="无法上网") for _ in range(3)
    ]
    for child in children:
        services.work_order_set_parent(child=child, parent=parent, actor=agent)
    services.work_order_resolve(work_order=parent, actor=agent, resolution="交换机重启")
    for child in children:
        child.refresh_from_db()
        assert child.status == Status.RESOLVED
        assert parent.number in child.resolution


def test_links_to_other_records_are_idempotent(file_order, agent, department):
    wo = file_order()
    services.work_order_link(work_order=wo, target=department, actor=agent)
    services.work_order_link(work_order=wo, target=department, actor=agent)
    assert wo.links.count() == 1


def test_triage_onto_a_vip_device_raises_the_level_and_replays_the_clock(
    file_order, agent, vip_level
):
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user

    server = ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="server"),
        asset_tag="SRV-001",
        name="登记系统服务器",
        service_level=vip_level,
    )
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order(impact=Level3.MEDIUM, urgency=Level3.MEDIUM)
        assert wo.service_level.code == "standard"
        wo = services.work_order_triage(
            work_order=wo, actor=agent, device=server, note="实为服务器故障"
        )
    assert wo.service_level == vip_level
    assert wo.resolve_due_at == datetime(2026, 11, 24, 11, 0, tzinfo=SH)  # VIP: 2 h
    assert wo.events.filter(kind=EventKind.PRIORITY).exists()
