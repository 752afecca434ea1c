"""The one transition pipeline (itsm/workflow.py), on a test model of its own."""

import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from itsm import workflow
from itsm.models import TransitionLog

from .core_models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("core_tables")]


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """The test model's content type is created in each test and rolled back with it."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def logs(ticket):
    return list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id=str(ticket.pk)
        ).values_list("transition", "source", "target", "actor_id", "note")
    )


def test_a_saved_record_starts_at_lock_version_one():
    assert Ticket.objects.create().lock_version == 1


def test_lock_returns_the_current_row_when_the_caller_saw_the_current_version():
    ticket = Ticket.objects.create(title="旧")
    Ticket.objects.filter(pk=ticket.pk).update(title="新")
    with transaction.atomic():
        current = workflow.lock(ticket, expected=1)
    assert current.title == "新"  # read again, not the caller's stale copy


def test_lock_refuses_a_stale_version_with_the_process_wording():
    ticket = Ticket.objects.create()
    workflow.save(Ticket.objects.get(pk=ticket.pk))  # someone else saved meanwhile
    with transaction.atomic(), pytest.raises(workflow.Conflict) as refused:
        workflow.lock(ticket, expected=1, conflict="这张工单已被他人修改，请刷新。")
    assert refused.value.message == "这张工单已被他人修改，请刷新。"
    assert refused.value.messages == ["这张工单已被他人修改，请刷新。"]


def test_lock_accepts_the_version_as_text_from_a_form():
    ticket = Ticket.objects.create()
    with transaction.atomic():
        assert workflow.lock(ticket, expected="1").pk == ticket.pk


def test_lock_without_an_expected_version_takes_whatever_is_current():
    ticket = Ticket.objects.create()
    workflow.save(Ticket.objects.get(pk=ticket.pk))
    with transaction.atomic():
        assert workflow.lock(ticket, expected=None).lock_version == 2


def test_a_conflict_has_a_default_message_in_the_users_language():
    with translation.override("en"):
        assert "changed by someone else" in workflow.Conflict().message


def test_save_increments_lock_version_and_adds_it_to_update_fields():
    ticket = Ticket.objects.create(title="a")
    ticket.title = "b"
    workflow.save(ticket, update_fields=["title"])
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.title, stored.lock_version) == ("b", 2)
    workflow.save(stored)
    assert Ticket.objects.get(pk=ticket.pk).lock_version == 3


def test_require_passes_without_a_refusal_and_raises_it_otherwise():
    workflow.require("")
    workflow.require(None)
    with pytest.raises(PermissionDenied, match="只有主管可以关闭"):
        workflow.require("只有主管可以关闭")


def test_transition_moves_saves_with_a_new_lock_version_and_logs(engineer):
    ticket = Ticket.objects.create()
    source = workflow.transition(
        ticket, actor=engineer, name="open", method=ticket.open, refused="%(status)s", note="开始"
    )
    stored = Ticket.objects.get(pk=ticket.pk)
    assert source == "new"
    assert (stored.status, stored.lock_version) == ("open", 2)
    assert logs(ticket) == [("open", "new", "open", engineer.pk, "开始")]


def test_transition_passes_its_other_arguments_to_the_state_machine(engineer):
    ticket = Ticket.objects.create(status="open")
    workflow.transition(
        ticket,
        actor=engineer,
        name="close",
        method=ticket.close,
        refused="%(status)s",
        note="日志备注",
        reason="更换硒鼓后恢复",
    )
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.closed_note) == ("closed", "更换硒鼓后恢复")
    assert logs(ticket)[0][-1] == "日志备注"


def test_an_illegal_transition_changes_nothing(engineer):
    ticket = Ticket.objects.create()  # new: it cannot close
    with pytest.raises(workflow.IllegalTransition) as refused:
        workflow.transition(
            ticket,
            actor=engineer,
            name="close",
            method=ticket.close,
            refused="“%(status)s”的工单不能关闭。",
            reason="x",
        )
    assert refused.value.messages == ["“新建”的工单不能关闭。"]  # the status's label
    assert refused.value.code == "illegal"
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.lock_version, stored.closed_note) == ("new", 1, "")
    assert ticket.lock_version == 1
    assert logs(ticket) == []


def test_transition_can_use_the_process_log_or_none(engineer):
    written = []
    ticket = Ticket.objects.create()
    workflow.transition(
        ticket,
        actor=engineer,
        name="open",
        method=ticket.open,
        refused="%(status)s",
        log=lambda subject, **row: written.append(row),
    )
    assert written == [
        {"name": "open", "source": "new", "target": "open", "actor": engineer, "note": ""}
    ]
    other = Ticket.objects.create()
    workflow.transition(
        other, actor=engineer, name="open", method=other.open, refused="%(status)s", log=None
    )
    assert logs(ticket) == logs(other) == []


def test_after_commit_runs_once_the_transaction_commits(django_capture_on_commit_callbacks):
    called = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        workflow.after_commit(called.append, "mail")
        assert called == []  # not while the write may still roll back
    assert called == ["mail"]


def test_after_commit_never_runs_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    called = []
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.after_commit(called.append, "mail")
        raise RuntimeError("the write failed")
    assert called == [] and callbacks == []


def test_after_commit_swallows_a_broken_broker_hand_off_but_logs_it(
    django_capture_on_commit_callbacks, caplog
):
    from kombu.exceptions import OperationalError

    def delay(pk):
        raise OperationalError("Error 111 connecting to broker. Connection refused.")

    with (
        caplog.at_level(logging.ERROR, logger="itsm.workflow"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.after_commit(delay, 42)  # does not raise: the write stays committed
    assert len(caplog.records) == 1
    record = caplog.records[0]
    assert "after-commit hand-off" in record.getMessage()
    assert record.exc_info[0] is OperationalError
