"""The hourly repair scan: overdue repairs and progress reminders, each told once per due point."""

from datetime import UTC, datetime

import pytest

from repairs import services, tasks
from repairs.models import RepairOrder
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


def _sent(engineer, work_order, vendor, kind, **fields):
    repair = services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer, fault="坏了",
        kind=kind, data_handling="kept", **fields,
    )  # fmt: skip
    return services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)


def _at(frozen, day, hour=2):
    frozen.move_to(datetime(2026, 10, day, hour, 0, tzinfo=UTC))


def _told(subject_part):
    return Notification.objects.filter(subject__contains=subject_part).count()


def test_in_warranty_progress_reminders_fall_every_3_working_days(
    frozen, engineer, agent, work_order, vendor
):
    repair = _sent(engineer, work_order, vendor, "in_warranty")
    reminded = []
    for day in range(1, 21):
        _at(frozen, day)
        if tasks.repairs_scan()["progress"]:
            reminded.append(day)
        tasks.repairs_scan()  # a rerun the same day tells nobody again
    assert reminded == [8, 12, 15, 20]
    assert _told("应向用户书面反馈进度") == len(reminded)  # the desk (one agent) each time
    repair.refresh_from_db()
    assert str(repair.progress_due_on) == "2026-10-23"


def test_overdue_repair_is_told_once_per_due_point(frozen, engineer, agent, work_order, vendor):
    _sent(engineer, work_order, vendor, "third_party")
    _at(frozen, 10)
    assert tasks.repairs_scan()["overdue"] == 0  # due at the desk by Sat 10 Oct (make-up day)
    _at(frozen, 11)
    assert tasks.repairs_scan()["overdue"] == 1
    _at(frozen, 12)
    assert tasks.repairs_scan()["overdue"] == 0
    _at(frozen, 24)  # now also past its 15-working-day return (23 Oct)
    assert tasks.repairs_scan()["overdue"] == 1
    assert tasks.repairs_scan()["overdue"] == 0
    assert _told("逾期") == 2
    assert RepairOrder.objects.get().overdue_notified_on.isoformat() == "2026-10-23"


def test_overdue_repairs_come_first_on_the_list(
    frozen, engineer, work_order, make_vendor, make_device
):
    from repairs.selectors import repair_list

    late = _sent(engineer, work_order, make_vendor(), "third_party")
    _at(frozen, 20)
    fresh = _sent(engineer, work_order, make_vendor(), "third_party", device=make_device())
    rows = list(repair_list(user=engineer))
    assert [r.pk for r in rows] == [late.pk, fresh.pk]
    assert rows[0].overdue_rank == 0 and rows[1].overdue_rank == 1
