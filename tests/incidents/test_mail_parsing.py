"""Pure parsing, loop detection and configuration of the mail intake: no database."""

import base64
from email import message_from_bytes, policy

import pytest
from django.core.exceptions import ImproperlyConfigured

from incidents.mail.config import imap_url_parse
from incidents.mail.imap import imap_utf7
from incidents.mail.loops import loop_reason
from incidents.mail.parsing import (
    MalformedMail,
    html_to_text,
    message_key,
    parse_mail,
    reply_text,
)

from .test_mail_intake import gbk_mail, mail_bytes


def _loop(raw: bytes, our="itsm@example.gov.cn"):
    parsed = parse_mail(raw)
    return loop_reason(
        parsed.message, from_address=parsed.from_address, subject=parsed.subject, our_address=our
    )


def test_gbk_subject_sender_body_and_chinese_attachment_names_are_decoded():
    parsed = parse_mail(gbk_mail())

    assert parsed.subject == "打印机卡纸了，无法打印"
    assert parsed.from_name == "王芳"
    assert parsed.from_address == "enduser@example.gov.cn"  # lower-cased for matching
    assert parsed.text == "三楼打印机卡纸，报错代码 E-302。"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("故障截图.png", "image/png"),
        ("运行日志.log", "text/plain"),
    ]
    assert parsed.attachments[0].data.startswith(b"\x89PNG")


def test_gb2312_declared_text_with_gbk_only_characters_is_read_as_gb18030():
    subject = base64.b64encode("朱镕基 打印机".encode("gbk")).decode()
    raw = (
        f"From: a@example.gov.cn\r\nSubject: =?gb2312?B?{subject}?=\r\n"
        "Content-Type: text/plain; charset=gb2312\r\n\r\n"
    ).encode() + "镕".encode("gbk")

    parsed = parse_mail(raw)

    assert parsed.subject == "朱镕基 打印机"
    assert parsed.text == "镕"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_undeclared_8bit_subject_is_guessed(encoding):
    raw = b"From: a@example.gov.cn\r\nSubject: " + "网络中断".encode(encoding) + b"\r\n\r\nx"

    assert parse_mail(raw).subject == "网络中断"


def test_html_only_mail_becomes_text_without_markup_or_scripts():
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>电脑&nbsp;蓝屏</p>"
        "<script>alert('x')</script><div>第二行 &lt;b&gt;</div></body></html>"
    )
    raw = mail_bytes(body=None, html=html)

    text = parse_mail(raw).text

    assert text == "电脑 蓝屏\n\n第二行 <b>"
    assert "alert" not in text and "<p>" not in text
    assert html_to_text("<img src=x onerror=alert(1)>hi") == "hi"


@pytest.mark.parametrize(
    "raw,reason",
    [
        (b"", "empty"),
        (b"\x00garbage", "headers"),
        (b"Subject: no sender\r\n\r\nbody", "sender"),
        (b"From: not an address\r\nSubject: x\r\n\r\nbody", "sender"),
    ],
)
def test_malformed_mail_is_refused_with_a_reason(raw, reason):
    with pytest.raises(MalformedMail, match=reason):
        parse_mail(raw)


def test_mail_without_message_id_is_keyed_by_its_bytes():
    assert message_key("", b"abc") == message_key("", b"abc")
    assert message_key("", b"abc").startswith("sha256:")
    assert message_key("", b"abc") != message_key("", b"abd")
    assert message_key("<id@x>", b"abc") == "<id@x>"
    assert len(message_key("<" + "x" * 300 + "@x>", b"")) <= 255


# --- the new part of a reply ------------------------------------------------------------


def test_outlook_chinese_reply_keeps_only_the_new_text():
    body = (
        "还是不行，重启后依旧卡纸。\r\n\r\n王芳\r\n财务处\r\n\r\n"
        "________________________________\r\n"
        "发件人: IT运维服务平台 <itsm@example.gov.cn>\r\n"
        "发送时间: 2026年9月30日 10:00\r\n"
        "收件人: 王芳\r\n"
        "主题: [D0201-2026093001] 我们已收到您的报障\r\n\r\n"
        "工作单 D0201-2026093001：打印机卡纸\r\n"
    )
    assert reply_text(body) == "还是不行，重启后依旧卡纸。\n\n王芳\n财务处"


def test_outlook_header_block_without_rule_is_cut():
    body = "已处理\n\n发件人: 李静\n发送时间: 2026-09-30\n主题: 报障\n\n原文"
    assert reply_text(body) == "已处理"


@pytest.mark.parametrize(
    "body",
    [
        "好的\n\n-----Original Message-----\nFrom: x\nold",
        "好的\n------------------ 原始邮件 ------------------\n发件人: x\nold",
        "好的\n\n在 2026年9月30日 10:00，IT运维 <itsm@example.gov.cn> 写道：\n> old\n> older",
        "好的\n\nOn Tue, Sep 30, 2026 at 10:00 AM IT <itsm@example.gov.cn>\nwrote:\n> old",
        "好的\n> quoted line\n-- \nsignature",
        "好的\n\n发自我的iPhone",
    ],
)
def test_quoted_originals_and_signatures_are_stripped(body):
    assert reply_text(body) == "好的"


def test_inline_answers_between_quotes_are_kept():
    body = "On Mon, 1 Sep 2026, A <a@x> wrote:\n> Which floor?\n3rd floor\n> Which room?\n301"
    assert reply_text(body) == "3rd floor\n301"


# --- loops ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers,expected",
    [
        ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted"),
        ({"Auto-Submitted": "auto-generated; owner-email=x@y"}, "Auto-Submitted"),
        ({"Precedence": "bulk"}, "Precedence"),
        ({"Precedence": "auto_reply"}, "Precedence"),
        ({"X-Autoreply": "yes"}, "X-Autoreply"),
        ({"X-Autorespond": "Out of office"}, "X-Autorespond"),
        ({"X-ITSM-Notification": "42"}, "notification"),
        ({"X-Failed-Recipients": "a@x"}, "bounce"),
        ({"Return-Path": "<>"}, "Return-Path"),
    ],
)
def test_automatic_mail_is_recognised(headers, expected):
    assert expected in _loop(mail_bytes(headers=headers))


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "no"},
        {"X-Auto-Response-Suppress": "All"},  # Outlook puts it on mail typed by people
        {"X-Auto-Response-Suppress": "DR, OOF, AutoReply"},
        {"Precedence": "first-class"},
    ],
)
def test_ordinary_mail_is_not_mistaken_for_a_robot(headers):
    assert _loop(mail_bytes(headers=headers)) is None


def test_our_own_address_and_postmaster_are_recognised():
    assert "own address" in _loop(
        mail_bytes(sender="ITSM <ITSM@example.gov.cn>"), our="IT运维 <itsm@example.gov.cn>"
    )
    assert "mailer-daemon" in _loop(mail_bytes(sender="MAILER-DAEMON@mx.example.gov.cn"))


def test_auto_reply_subjects_are_recognised():
    assert "subject" in _loop(mail_bytes(subject="自动回复: [D0201-2026093001] 已收到"))
    assert "subject" in _loop(mail_bytes(subject="Automatic reply: printer"))


def test_delivery_report_is_recognised():
    from .test_mail_intake import bounce_mail

    reason = _loop(bounce_mail())
    assert "report-type=delivery-status" in reason
    assert message_from_bytes(bounce_mail(), policy=policy.default).get_content_type() == (
        "multipart/report"
    )


# --- configuration ----------------------------------------------------------------------


def test_imap_url_is_parsed():
    conf = imap_url_parse("imaps://help%40desk:p%3Ass@mail.example.gov.cn/Inbox%2Fsub")
    assert (conf.host, conf.port, conf.ssl, conf.user, conf.password, conf.folder) == (
        "mail.example.gov.cn",
        993,
        True,
        "help@desk",
        "p:ss",
        "Inbox/sub",
    )
    plain = imap_url_parse("imap://u:p@127.0.0.1:1143", starttls=True)
    assert (plain.port, plain.ssl, plain.starttls, plain.folder) == (1143, False, True, "INBOX")
    assert "p:ss" not in repr(conf)
    assert imap_url_parse("") is None


@pytest.mark.parametrize(
    "url", ["pop3://u:p@host/", "imap:///INBOX", "imaps://u:p@host:99999/", "imaps://u@h/"]
)
def test_bad_imap_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        imap_url_parse(url, starttls=url == "imaps://u@h/")


def test_folder_names_use_modified_utf7():
    assert imap_utf7("INBOX") == "INBOX"
    assert imap_utf7("已处理") == "&XfJZBHQG-"
    assert imap_utf7("A&B") == "A&-B"
