"""The mailbox poller against a real IMAP server (Dovecot on loopback), and its task."""

from collections import Counter

import pytest

from incidents import tasks
from incidents.choices import Channel, EventKind
from incidents.mail.imap import POLL_LOCK_KEY, mailbox_poll
from incidents.models import InboundMail, WorkOrder
from incidents.models.mail import InboundMailStatus

from .imap_server import DOVECOT, DovecotServer
from .test_mail_intake import auto_reply, gbk_mail, mail_bytes, outlook_reply, reply_ref


def _intake(settings, **conf):
    settings.ITSM = {**settings.ITSM, "MAIL_INTAKE": conf}


def test_poll_does_nothing_when_no_mailbox_is_configured(settings, db):
    _intake(settings, IMAP_URL="")

    assert tasks.poll_mailbox() == {"enabled": False}


def test_only_one_worker_polls_at_a_time(settings, db):
    from django.core.cache import cache

    _intake(settings, IMAP_URL="imap://u:p@127.0.0.1:1/INBOX")  # would fail if reached
    cache.add(POLL_LOCK_KEY, "another worker", timeout=55)

    assert "skipped" in tasks.poll_mailbox()


@pytest.fixture
def dovecot():
    if DOVECOT is None:
        pytest.skip(
            "the dovecot binary is absent (Debian package dovecot-imapd; .ci/run installs it)"
        )
    server = DovecotServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.integration
def test_mailbox_poll_against_dovecot(dovecot, settings, end_user):
    _intake(settings, IMAP_URL=dovecot.url())
    dovecot.append(gbk_mail(message_id="<imap-new@foxmail.example>"))
    dovecot.append(auto_reply())
    dovecot.append(b"\x00garbage")

    counts = mailbox_poll()

    assert counts["fetched"] == 3 and counts["errors"] == 0
    work_order = WorkOrder.objects.get()
    assert work_order.channel == Channel.MAIL
    assert work_order.requester == end_user
    assert work_order.title == "打印机卡纸了，无法打印"
    assert work_order.attachments.count() == 2
    statuses = Counter(InboundMail.objects.values_list("status", flat=True))
    assert statuses == {"processed": 1, "ignored": 1, "failed": 1}
    assert dovecot.search("UNSEEN") == []  # all three flagged \Seen once recorded

    # A reply threads onto the work order; the second poll reads only the new mail.
    reply = outlook_reply(work_order.number, ref=reply_ref(work_order.number, end_user))
    dovecot.append(reply)
    assert mailbox_poll()["fetched"] == 1
    comment = work_order.events.get(kind=EventKind.COMMENT)
    assert comment.actor == end_user
    assert comment.body == "重启后还是卡纸，照片见附件。"

    # The same mails again (a client re-sending, a crash before \Seen): nothing more.
    dovecot.append(gbk_mail(message_id="<imap-new@foxmail.example>"))
    dovecot.append(reply)
    with dovecot.client() as client:  # and everything unseen: a full re-poll
        client.uid("STORE", "1:*", "-FLAGS", r"(\Seen)")
    counts = mailbox_poll()

    assert counts["fetched"] == 6
    assert WorkOrder.objects.count() == 1
    assert InboundMail.objects.count() == 4
    assert work_order.events.filter(kind=EventKind.COMMENT).count() == 1
    assert mailbox_poll()["fetched"] == 0


@pytest.mark.integration
def test_mailbox_poll_moves_mail_to_a_chinese_archive_folder(dovecot, settings, end_user):
    _intake(settings, IMAP_URL=dovecot.url(), ARCHIVE_FOLDER="已处理")
    dovecot.append(mail_bytes(subject="显示器不亮"))
    dovecot.append(mail_bytes(subject="键盘失灵"))

    counts = mailbox_poll()

    assert counts["processed"] == 2
    assert dovecot.search("ALL") == []
    assert len(dovecot.search("ALL", folder="&XfJZBHQG-")) == 2
    assert InboundMail.objects.filter(status=InboundMailStatus.PROCESSED).count() == 2
    assert mailbox_poll()["fetched"] == 0


@pytest.mark.integration
def test_an_oversized_mail_is_recorded_from_its_headers_and_not_downloaded(
    dovecot, settings, end_user, monkeypatch
):
    _intake(settings, IMAP_URL=dovecot.url(), MAX_MAIL_BYTES=200_000)
    big = mail_bytes(
        subject="一张很大的照片",
        attachments=[("大图.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 400_000)],
    )
    dovecot.append(big)
    dovecot.append(mail_bytes(subject="键盘失灵"))
    downloaded = []
    from incidents.mail import imap

    real = imap._fetched_bytes
    monkeypatch.setattr(
        imap, "_fetched_bytes", lambda data: downloaded.append(real(data)) or downloaded[-1]
    )

    counts = mailbox_poll()

    assert counts["fetched"] == 2
    assert max(len(d or b"") for d in downloaded) < 200_000  # the big body never came down
    held = InboundMail.objects.get(subject="一张很大的照片")
    assert held.status == InboundMailStatus.REJECTED and "not downloaded" in held.reason
    assert WorkOrder.objects.get().title == "键盘失灵"
