"""Mail survives a mail-server outage: backoff over hours, nothing lost, nothing twice."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from servicedesk import notifications
from servicedesk.models import MailState, Notification
from servicedesk.notifications import mail_backoff, mail_retry, mail_send_pending, notify

pytestmark = pytest.mark.django_db

START = timezone.datetime(2026, 12, 7, 9, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def smtp(monkeypatch):
    """The mail server: `smtp.down = True` refuses every connection."""

    class Server:
        down = False

    server = Server()
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        if server.down:
            raise ConnectionRefusedError("SMTP refused")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return server


def _row():
    return Notification.objects.get(mail_state__in=[MailState.PENDING, MailState.FAILED])


def test_backoff_doubles_from_a_minute_up_to_six_hours():
    assert [mail_backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert mail_backoff(9) == timedelta(minutes=256)
    assert mail_backoff(10) == mail_backoff(15) == timedelta(hours=6)


def test_a_short_outage_delays_mail_and_delivers_it_once_when_smtp_returns(smtp, end_user):
    smtp.down = True
    with time_machine.travel(START, tick=False) as clock:
        notify(recipients=[end_user], subject="工单已受理")
        for _ in range(5):  # the beat sweeps every minute; backoff keeps it from hammering
            mail_send_pending()
        assert _row().mail_attempts == 1
        assert _row().mail_next_attempt_at == START + timedelta(minutes=1)

        clock.shift(timedelta(minutes=1))
        mail_send_pending()
        assert _row().mail_attempts == 2 and _row().mail_state == MailState.PENDING

        smtp.down = False  # the server is back
        clock.shift(timedelta(seconds=30))
        assert mail_send_pending() == 0  # still inside the 2-minute wait
        clock.shift(timedelta(minutes=2))
        assert mail_send_pending() == 1
        assert mail_send_pending() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get().mail_state == MailState.SENT


def test_an_overnight_outage_loses_nothing(smtp, end_user):
    smtp.down = True
    with time_machine.travel(START, tick=False) as clock:
        notify(recipients=[end_user], subject="夜间通知")
        for _ in range(12 * 60):  # twelve hours of the minutely sweep
            mail_send_pending()
            clock.shift(timedelta(minutes=1))
        row = _row()
        assert row.mail_state == MailState.PENDING
        assert row.mail_attempts < notifications.MAX_ATTEMPTS
        smtp.down = False
        clock.shift(notifications.BACKOFF_CAP)
        assert mail_send_pending() == 1
    assert len(mail.outbox) == 1


def test_mail_that_keeps_failing_is_kept_alerts_the_admins_once_and_can_be_retried(
    smtp, end_user, admin_user
):
    smtp.down = True
    with time_machine.travel(START, tick=False) as clock:
        notify(recipients=[end_user], subject="第一封")
        notify(recipients=[end_user], subject="第二封")
        for _ in range(notifications.MAX_ATTEMPTS):
            mail_send_pending()
            clock.shift(notifications.BACKOFF_CAP)
        failed = Notification.objects.filter(mail_state=MailState.FAILED)
        assert failed.count() == 2
        alerts = Notification.objects.filter(recipient=admin_user)
        assert alerts.count() == 1  # two mails gave up in one sweep: one alert
        assert alerts.get().mail_state == MailState.NONE  # not by mail: mail is broken

        smtp.down = False
        assert mail_retry(notifications=failed) == 2
        assert mail_send_pending() == 2
    assert sorted(m.subject for m in mail.outbox) == ["第一封", "第二封"]


def test_admin_lists_the_outbox_and_retries_failed_mail(client, admin_user, end_user):
    notify(recipients=[end_user], subject="失败的邮件")
    Notification.objects.filter(recipient=end_user).update(
        mail_state=MailState.FAILED, mail_attempts=16, mail_error="SMTP refused"
    )
    client.force_login(admin_user)
    url = reverse("admin:servicedesk_notification_changelist")
    page = client.get(url + "?mail_state__exact=failed")
    assert page.status_code == 200 and "失败的邮件" in page.content.decode()
    row = Notification.objects.get(recipient=end_user)
    client.post(url, {"action": "retry_mail", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.mail_state in (MailState.PENDING, MailState.SENT) and row.mail_attempts <= 1


def test_a_broker_outage_does_not_fail_the_write_that_queued_mail(
    monkeypatch, end_user, django_capture_on_commit_callbacks
):
    from servicedesk import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.send_pending_mail, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[end_user], subject="已保存")
    assert Notification.objects.get().mail_state == MailState.PENDING  # the sweep sends it


def test_filemail_url_writes_mail_files(monkeypatch, tmp_path):
    import importlib

    import itsm.settings as production

    monkeypatch.setenv("EMAIL_URL", f"filemail://{tmp_path}/mail")
    try:
        reloaded = importlib.reload(production)
        assert f"{tmp_path}/mail" == reloaded.EMAIL_FILE_PATH
        assert reloaded.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    finally:
        monkeypatch.delenv("EMAIL_URL")
        importlib.reload(production)

    from django.core.mail import EmailMessage, get_connection

    connection = get_connection(
        "django.core.mail.backends.filebased.EmailBackend", file_path=str(tmp_path / "mail")
    )
    EmailMessage(
        "测试", "正文", "itsm@localhost", ["a@example.gov.cn"], connection=connection
    ).send()
    assert len(list((tmp_path / "mail").iterdir())) == 1
