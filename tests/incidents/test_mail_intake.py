"""Mail intake service: raw mails in, work orders, comments or reasons out."""

import itertools
from email import encoders
from email.header import Header
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import mail as django_mail
from django.test import RequestFactory

from incidents.choices import Channel, EventKind
from incidents.mail import intake
from incidents.mail.admin import InboundMailAdmin
from incidents.mail.intake import inbound_mail_retry, mail_ingest
from incidents.models import Attachment, InboundMail, WorkOrder
from incidents.models.mail import InboundMailStatus
from servicedesk.choices import Role
from servicedesk.notifications import mail_send_pending

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
_ids = itertools.count(1)


# --- mail builders (also used by the parsing and IMAP tests) ------------------------------


def mail_bytes(
    *,
    sender="王芳 <enduser@example.gov.cn>",
    subject="打印机卡纸",
    body="三楼打印机卡纸，无法打印。",
    html=None,
    headers=None,
    message_id=None,
    attachments=(),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "helpdesk@example.gov.cn"
    message["Subject"] = subject
    message["Date"] = "Wed, 30 Sep 2026 09:15:00 +0800"
    message["Message-ID"] = message_id or f"<m{next(_ids)}@mail.example.gov.cn>"
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def gbk_mail(*, message_id="<gbk-1@foxmail.example>") -> bytes:
    """What a GBK mail client sends: GBK everywhere, RFC 2231 and RFC 2047 file names."""
    message = MIMEMultipart()
    message["From"] = formataddr(("王芳", "EndUser@Example.gov.cn"), charset="gbk")
    message["To"] = "helpdesk@example.gov.cn"
    message["Subject"] = Header("打印机卡纸了，无法打印", "gbk")
    message["Message-ID"] = message_id
    message.attach(MIMEText("三楼打印机卡纸，报错代码 E-302。", "plain", "gbk"))
    picture = MIMEBase("image", "png")
    picture.set_payload(PNG)
    encoders.encode_base64(picture)
    picture.add_header("Content-Disposition", "attachment", filename=("gbk", "", "故障截图.png"))
    message.attach(picture)
    log = MIMEBase("text", "plain")
    log.set_payload(b"E-302 paper jam")
    encoders.encode_base64(log)
    # Outlook's habit: an RFC 2047 word inside the quoted parameter.
    log.add_header(
        "Content-Disposition", "attachment", filename=str(Header("运行日志.log", "utf-8"))
    )
    message.attach(log)
    return message.as_bytes()


def reply_ref(number: str, user) -> str:
    """The reference the portal's mail to `user` about work order `number` carries."""
    from django.urls import reverse

    from servicedesk.notifications import reply_reference

    url = reverse("incidents:detail", args=[number])
    return f"ref:{reply_reference(url=url, user_pk=user.pk)}"


def outlook_reply(
    number: str, *, sender="王芳 <enduser@example.gov.cn>", attach=True, ref=""
) -> bytes:
    body = (
        "重启后还是卡纸，照片见附件。\r\n\r\n"
        "________________________________\r\n"
        "发件人: IT运维服务平台 <itsm@localhost>\r\n"
        "发送时间: 2026年9月30日 10:00\r\n"
        "收件人: 王芳 <enduser@example.gov.cn>\r\n"
        f"主题: [{number}] 我们已收到您的报障\r\n\r\n"
        f"工作单 {number}：打印机卡纸\r\n"
        "> 请描述故障现象\r\n"
    )
    return mail_bytes(
        sender=sender,
        subject=f"回复: [{number}] 我们已收到您的报障 [{ref}]"
        if ref
        else f"回复: [{number}] 我们已收到您的报障",
        body=body,
        headers={"X-Auto-Response-Suppress": "All", "Thread-Topic": "我们已收到您的报障"},
        attachments=[("现场照片.png", "image/png", PNG)] if attach else (),
    )


def auto_reply(number: str = "D0201-2026093001") -> bytes:
    return mail_bytes(
        subject=f"自动回复: [{number}] 我们已收到您的报障",
        body="我正在休假，10月8日返回。",
        headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
    )


def bounce_mail() -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.gov.cn>\r\n"
        b"To: itsm@localhost\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <bounce-1@mx.example.gov.cn>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.gov.cn\r\n\r\n"
        b"Final-Recipient: rfc822; nobody@example.gov.cn\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--B\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: itsm@localhost\r\nSubject: [D0201-2026093001] x\r\n\r\nbody\r\n"
        b"--B--\r\n"
    )


# --- new work orders -------------------------------------------------------------------------


def test_new_mail_becomes_a_work_order_for_the_sender(end_user):
    inbound = mail_ingest(raw=gbk_mail(), uid="7:1")

    work_order = inbound.work_order
    assert inbound.status == InboundMailStatus.PROCESSED
    assert inbound.message_id == "<gbk-1@foxmail.example>"
    assert inbound.mailbox_uid == "7:1"
    assert inbound.raw is None  # only kept for mail that may be retried
    assert work_order.channel == Channel.MAIL
    assert work_order.requester == end_user  # matched case-insensitively
    assert work_order.title == "打印机卡纸了，无法打印"
    assert work_order.description == "三楼打印机卡纸，报错代码 E-302。"
    assert sorted(work_order.attachments.values_list("original_name", flat=True)) == [
        "故障截图.png",
        "运行日志.log",
    ]


def test_the_same_message_id_twice_makes_one_work_order(end_user):
    raw = mail_bytes(message_id="<dup@example.gov.cn>")

    first = mail_ingest(raw=raw)
    second = mail_ingest(raw=raw, uid="again")

    assert first.pk == second.pk
    assert WorkOrder.objects.count() == 1
    assert InboundMail.objects.count() == 1


def test_mail_without_message_id_is_deduplicated_by_its_bytes(end_user):
    raw = mail_bytes().replace(b"Message-ID:", b"X-Old-Id:")

    mail_ingest(raw=raw)
    mail_ingest(raw=raw)

    assert WorkOrder.objects.count() == 1
    assert InboundMail.objects.get().message_id.startswith("sha256:")


def test_forbidden_and_oversized_attachments_are_dropped_and_noted(end_user):
    raw = mail_bytes(
        attachments=[
            ("照片.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * 100),
            ("setup.exe", "application/octet-stream", b"MZ"),
            ("page.html", "text/html", b"<script>alert(1)</script>"),
            ("huge.zip", "application/zip", b"0" * (10 * 1024 * 1024 + 1)),
        ]
    )

    inbound = mail_ingest(raw=raw)

    work_order = inbound.work_order
    assert list(work_order.attachments.values_list("original_name", flat=True)) == ["照片.jpg"]
    assert "setup.exe" in work_order.description
    assert "page.html" in work_order.description
    assert "huge.zip" in work_order.description
    assert "setup.exe" in inbound.reason


def test_unknown_sender_gets_an_end_user_account_without_password(db):
    inbound = mail_ingest(raw=mail_bytes(sender="=?utf-8?b?6LW16ZuF?= <Zhao.Ya@Example.gov.cn>"))

    user = inbound.work_order.requester
    assert user.email == "zhao.ya@example.gov.cn"
    assert user.person.name == "赵雅"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.END_USER]


def test_unknown_sender_is_kept_aside_when_configured_and_retried_later(settings, make_person):
    settings.ITSM = {**settings.ITSM, "MAIL_INTAKE": {"UNKNOWN_SENDER": "reject"}}

    inbound = mail_ingest(raw=mail_bytes(sender="stranger@example.gov.cn"))

    assert inbound.status == InboundMailStatus.REJECTED
    assert "unknown sender stranger@example.gov.cn" in inbound.reason
    assert inbound.raw and WorkOrder.objects.count() == 0

    person = make_person(Role.END_USER, username="stranger")
    retried = inbound_mail_retry(inbound_mail=inbound)

    assert retried.status == InboundMailStatus.PROCESSED
    assert retried.work_order.requester == person
    assert retried.raw is None


def test_disabled_account_is_rejected(end_user):
    end_user.is_active = False
    end_user.save()

    inbound = mail_ingest(raw=mail_bytes())

    assert inbound.status == InboundMailStatus.REJECTED
    assert WorkOrder.objects.count() == 0


def test_mail_without_subject_gets_a_placeholder_title(end_user):
    inbound = mail_ingest(raw=mail_bytes(subject=""))

    assert inbound.work_order.title


# --- replies -----------------------------------------------------------------------------


def test_reply_with_the_number_threads_onto_the_work_order(file_order, end_user):
    work_order = file_order()

    inbound = mail_ingest(
        raw=outlook_reply(work_order.number, ref=reply_ref(work_order.number, end_user))
    )

    assert inbound.status == InboundMailStatus.PROCESSED
    assert inbound.work_order == work_order
    assert WorkOrder.objects.count() == 1
    comment = work_order.events.get(kind=EventKind.COMMENT)
    assert comment.actor == end_user
    assert comment.body == "重启后还是卡纸，照片见附件。"
    assert list(comment.attachments.values_list("original_name", flat=True)) == ["现场照片.png"]


def test_staff_reply_threads_too(file_order, agent):
    work_order = file_order()

    inbound = mail_ingest(
        raw=outlook_reply(
            work_order.number,
            sender="李静 <AGENT@example.gov.cn>",
            ref=reply_ref(work_order.number, agent),
        )
    )

    assert inbound.status == InboundMailStatus.PROCESSED
    assert work_order.events.get(kind=EventKind.COMMENT).actor == agent


def test_reply_from_someone_unrelated_is_ignored(file_order, make_person):
    work_order = file_order()
    make_person(Role.END_USER, username="other")

    inbound = mail_ingest(raw=outlook_reply(work_order.number, sender="other@example.gov.cn"))

    assert inbound.status == InboundMailStatus.IGNORED
    assert "not its requester" in inbound.reason
    assert not work_order.events.filter(kind=EventKind.COMMENT).exists()


def test_reply_with_only_quoted_text_is_ignored(file_order):
    work_order = file_order()
    raw = mail_bytes(
        subject=f"Re: [{work_order.number}] x [{reply_ref(work_order.number, work_order.requester)}]",
        body="> 原文\n> 原文",
    )

    inbound = mail_ingest(raw=raw)

    assert inbound.status == InboundMailStatus.IGNORED
    assert "no new text" in inbound.reason


def test_a_reply_without_the_senders_reference_is_held_for_review(file_order, supervisor):
    """A forged From: supervisor@… with a work-order number posts nothing as the supervisor."""
    work_order = file_order()
    forged = outlook_reply(work_order.number, sender=f"陈刚 <{supervisor.email}>")
    wrong = outlook_reply(
        work_order.number,
        sender=f"陈刚 <{supervisor.email}>",
        ref=reply_ref(work_order.number, work_order.requester),  # someone else's reference
    )
    for raw in (forged, wrong):
        inbound = mail_ingest(raw=raw)
        assert inbound.status == InboundMailStatus.REJECTED
        assert "reply reference" in inbound.reason
    assert not work_order.events.filter(kind=EventKind.COMMENT).exists()


def test_the_portals_mail_carries_the_recipients_reference(file_order, end_user):
    work_order = file_order()
    mail_send_pending()
    sent = [m for m in django_mail.outbox if m.to == [end_user.email]]
    assert sent and all(reply_ref(work_order.number, end_user) in m.subject for m in sent)


def test_unknown_number_in_subject_makes_a_new_work_order(end_user):
    inbound = mail_ingest(raw=mail_bytes(subject="Re: [D0201-2099010199] 打印机"))

    assert inbound.work_order.title == "Re: [D0201-2099010199] 打印机"


# --- no loops ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [auto_reply(), bounce_mail()], ids=["auto-reply", "bounce"])
def test_robots_create_nothing(end_user, raw):
    inbound = mail_ingest(raw=raw)

    assert inbound.status == InboundMailStatus.IGNORED
    assert WorkOrder.objects.count() == 0


def test_our_own_notification_creates_nothing(file_order, end_user):
    work_order = file_order()
    mail_send_pending()
    notification = django_mail.outbox[0].message().as_bytes()
    assert work_order.number.encode() in notification or b"=?utf-8?" in notification

    inbound = mail_ingest(raw=notification)

    assert inbound.status == InboundMailStatus.IGNORED
    assert "notification" in inbound.reason
    assert not work_order.events.filter(kind=EventKind.COMMENT).exists()


# --- bad mail ------------------------------------------------------------------------------


def test_malformed_mail_is_kept_aside_and_the_batch_goes_on(end_user):
    batch = [
        mail_bytes(subject="第一封"),
        b"\x00garbage",
        b"Subject: no sender\r\nMessage-ID: <nofrom@x>\r\n\r\nbody",
        mail_bytes(subject="第二封"),
    ]

    results = [mail_ingest(raw=raw, uid=str(n)) for n, raw in enumerate(batch)]

    assert [r.status for r in results] == ["processed", "failed", "failed", "processed"]
    assert "malformed" in results[1].reason
    assert bytes(results[1].raw) == b"\x00garbage"
    assert results[2].message_id == "<nofrom@x>"
    assert set(WorkOrder.objects.values_list("title", flat=True)) == {"第一封", "第二封"}


def test_a_crash_while_processing_is_rolled_back_recorded_and_retryable(end_user, monkeypatch):
    def broken(**kwargs):
        WorkOrder.objects.create  # noqa: B018 (the real one would have written rows by now)
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(intake, "work_order_create", broken)
    inbound = mail_ingest(raw=mail_bytes())

    assert inbound.status == InboundMailStatus.FAILED
    assert "RuntimeError: database hiccup" in inbound.reason
    assert WorkOrder.objects.count() == 0

    monkeypatch.undo()
    retried = inbound_mail_retry(inbound_mail=inbound)
    assert retried.status == InboundMailStatus.PROCESSED
    assert WorkOrder.objects.count() == 1


def test_processed_mail_cannot_be_retried(end_user):
    from django.core.exceptions import ValidationError

    inbound = mail_ingest(raw=mail_bytes())

    with pytest.raises(ValidationError):
        inbound_mail_retry(inbound_mail=inbound)


def test_admin_retry_action_reprocesses_failed_mail(admin_user, end_user, monkeypatch):
    monkeypatch.setattr(intake, "work_order_create", lambda **kw: 1 / 0)
    failed = mail_ingest(raw=mail_bytes())
    monkeypatch.undo()
    processed = mail_ingest(raw=mail_bytes(subject="好的"))
    request = RequestFactory().post("/")
    request.user = admin_user
    request.session = {}
    request._messages = FallbackStorage(request)
    model_admin = InboundMailAdmin(InboundMail, AdminSite())

    model_admin.retry(request, InboundMail.objects.filter(pk__in=[failed.pk, processed.pk]))

    failed.refresh_from_db()
    assert failed.status == InboundMailStatus.PROCESSED
    assert WorkOrder.objects.count() == 2
    assert len(list(request._messages)) == 2  # one success, one refusal for the processed one
    assert not model_admin.has_add_permission(request)


def test_attachment_rows_belong_to_the_requester(end_user):
    mail_ingest(raw=gbk_mail(message_id="<att@x>"))

    assert set(Attachment.objects.values_list("uploaded_by", flat=True)) == {end_user.pk}
    assert get_user_model().objects.count() == 1
