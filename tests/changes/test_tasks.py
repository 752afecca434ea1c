import pytest

from changes.tasks import notify_upcoming_changes

pytestmark = pytest.mark.django_db


def test_the_reminder_task_runs_with_nothing_due():
    assert notify_upcoming_changes.delay().get() == 0
