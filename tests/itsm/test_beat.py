"""Beat keeps scheduling through a database outage and across restarts."""

from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from itsm.beat import DATABASE_RETRY_SECONDS, ResilientDatabaseScheduler
from itsm.celery import app

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def sent(monkeypatch):
    """Entries beat hands to the broker (recorded instead of run)."""
    names = []
    monkeypatch.setattr(
        ResilientDatabaseScheduler,
        "apply_entry",
        lambda self, entry, producer=None: names.append(entry.name),
    )
    return names


_started = []


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    # Beat drops stale connections between ticks; with CONN_MAX_AGE=0 (the test settings on
    # PostgreSQL) that would close the test's own connection inside its transaction.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    monkeypatch.setattr("itsm.beat.close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def _no_sync_at_exit():
    # Each scheduler registers a sync for interpreter exit, when the test database is gone.
    yield
    while _started:
        _started.pop()._finalize.cancel()


def _start_beat():
    beat = ResilientDatabaseScheduler(app=app)
    _started.append(beat)
    return beat


def test_a_database_outage_does_not_kill_beat_and_it_resumes(monkeypatch, sent):
    with time_machine.travel(START, tick=False) as clock:
        beat = _start_beat()
        beat.tick()

        def database_down(*args, **kwargs):
            raise OperationalError("could not connect to server: Connection refused")

        # The outage hits the schedule re-read and the change check alike.
        outage = pytest.MonkeyPatch()
        outage.setattr(ResilientDatabaseScheduler, "all_as_schedule", database_down)
        outage.setattr(beat.Changes, "last_change", database_down)
        beat._last_full_sync -= timedelta(minutes=10)  # force the periodic full re-read
        beat._heap = None
        for _ in range(5):
            clock.shift(timedelta(seconds=5))
            delay = beat.tick()  # raised OperationalError and ended beat before
            assert delay <= max(DATABASE_RETRY_SECONDS, beat.max_interval)

        outage.undo()  # the database is back
        sent.clear()
        clock.shift(timedelta(minutes=2))
        for _ in range(50):
            beat.tick()
    assert "incidents-sla-scan" in sent  # the minutely SLA scan runs again


def test_a_restart_does_not_push_a_never_run_task_further(sent):
    with time_machine.travel(START, tick=False) as clock:
        _start_beat()
        anchored = PeriodicTask.objects.get(name="incidents-auto-close").last_run_at
        assert anchored == START

        clock.shift(timedelta(minutes=50))
        _start_beat()  # restarted before the hourly task ever ran
        assert PeriodicTask.objects.get(name="incidents-auto-close").last_run_at == START

        clock.shift(timedelta(minutes=11))  # an hour after the first start
        beat = _start_beat()
        for _ in range(50):
            beat.tick()
    assert "incidents-auto-close" in sent
