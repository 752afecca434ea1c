"""Mail intake limits: flooding senders, hidden characters, huge mail, odd charsets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.attachments import safe_file_name
from incidents.mail.intake import mail_ingest, mail_record_oversize
from incidents.mail.parsing import decode_bytes
from incidents.models import Attachment, InboundMail, WorkOrder
from incidents.models.mail import InboundMailStatus
from incidents.services import work_order_create

from .test_mail_intake import mail_bytes

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def test_a_sender_flooding_the_intake_is_held_after_the_hourly_limit(end_user, settings):
    settings.ITSM = {**settings.ITSM, "MAIL_INTAKE": {"SENDER_HOURLY_LIMIT": 3}}
    for n in range(5):
        mail_ingest(raw=mail_bytes(subject=f"故障 {n}", message_id=f"<flood{n}@x>"))
    assert WorkOrder.objects.count() == 3
    held = InboundMail.objects.filter(status=InboundMailStatus.REJECTED)
    assert held.count() == 2 and "limit 3" in held.first().reason


def test_bidi_and_invisible_characters_leave_file_names():
    assert safe_file_name(f"报销单{RLO}gpj.exe") == "报销单gpj.exe"
    assert safe_file_name("照\u200b片.png") == "照片.png"
    assert safe_file_name("../../etc/\x00passwd.txt") == "passwd.txt"


def test_a_mailed_attachment_keeps_no_bidi_override(end_user):
    raw = mail_bytes(
        attachments=[(f"现场{RLO}gnp.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)]
    )
    mail_ingest(raw=raw)
    assert RLO not in Attachment.objects.get().original_name


def test_a_web_upload_keeps_no_bidi_override(end_user):
    upload = SimpleUploadedFile(f"日志{RLO}txt.log", b"log", content_type="text/plain")
    order = work_order_create(actor=end_user, requester=end_user, title="x", files=[upload])
    assert order.attachments.get().original_name == "日志txt.log"


def test_an_unknown_declared_charset_never_raises():
    assert decode_bytes("打印机".encode("gb18030"), "x-unknown-charset") == "打印机"
    assert decode_bytes(b"\xff\xfe\xfd", "no-such-charset")  # replacement characters, no error


def test_a_mail_with_an_unknown_charset_is_filed(end_user):
    raw = mail_bytes(body="打印机坏了").replace(b'charset="utf-8"', b'charset="x-klingon"')
    mail_ingest(raw=raw)
    assert WorkOrder.objects.count() == 1


def test_an_oversized_mail_is_recorded_from_its_headers_without_downloading(end_user):
    headers = mail_bytes(subject="大附件").split(b"\n\n", 1)[0] + b"\n\n"
    mail = mail_record_oversize(headers=headers, size=71 * 1024 * 1024, uid="1:9")
    assert mail.status == InboundMailStatus.REJECTED and "71.0 MB" in mail.reason
    assert mail.raw is None and not WorkOrder.objects.exists()
