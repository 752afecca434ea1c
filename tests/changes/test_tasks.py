import pytest

from changes.tasks import notify_upcoming_changes

pytestmark = pytest.mark.django_db


def test_the_reminder_task_runs_with_nothing_due():
    assert notify_upcoming_changes.delay().get() == 0


def test_the_release_notice_task_runs_with_nothing_due():
    from changes.tasks import notify_upcoming_releases

    assert notify_upcoming_releases.delay().get() == 0
