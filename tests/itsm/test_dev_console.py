"""A newcomer's development set-up: another port with mail links following it, a clear
message when the PDF font is missing, and a console that stays readable."""

import logging

import pytest
from django.core import mail

from itsm.log_filters import QuietForbidden
from itsm.management.commands.rundev import child_environment, served_url


def test_rundev_serves_on_another_port_and_mail_links_follow_it():
    assert served_url("8001") == "http://127.0.0.1:8001"
    assert served_url("127.0.0.1:8002") == "http://127.0.0.1:8002"
    assert served_url("[::1]:8003") == "http://[::1]:8003"
    assert not served_url("0.0.0.0:8004").startswith("http://0.0.0.0")
    assert child_environment("8001", {})["ITSM_BASE_URL"] == "http://127.0.0.1:8001"
    # An explicit address (a proxy's name) wins.
    explicit = {"ITSM_BASE_URL": "https://itsm.example.gov.cn"}
    assert child_environment("8001", explicit)["ITSM_BASE_URL"] == "https://itsm.example.gov.cn"


def test_the_development_mail_backend_prints_one_line_not_the_body(capsys):
    from itsm.mail_console import EmailBackend

    message = mail.EmailMessage("[D0201-01] 已派单", "正文" * 500, to=["engineer@example.gov.cn"])
    EmailBackend().send_messages([message])
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "engineer@example.gov.cn" in out and "[D0201-01] 已派单" in out
    assert "正文正文" not in out


def _record(status, exc_info):
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden", (), exc_info)
    record.status_code = status
    return record


def test_a_403_logs_one_line_but_a_500_keeps_its_traceback():
    try:
        raise PermissionError("no")
    except PermissionError:
        import sys

        exc_info = sys.exc_info()
    forbidden = _record(403, exc_info)
    assert QuietForbidden().filter(forbidden) and forbidden.exc_info is None
    error = _record(500, exc_info)
    assert QuietForbidden().filter(error) and error.exc_info is not None


def test_the_logging_settings_use_the_filter(settings):
    assert "quiet_forbidden" in settings.LOGGING["handlers"]["console"]["filters"]


def test_a_missing_pdf_font_names_the_package(settings, caplog):
    from itsm import pdf

    settings.ITSM = {**settings.ITSM, "PDF_FONT_PATH": "/nonexistent/font.ttc"}
    pdf.cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.ERROR, logger="itsm.pdf"):
            assert pdf.cjk_font() == "Helvetica"
    finally:
        pdf.cjk_font.cache_clear()
    assert "fonts-wqy-microhei" in caplog.text


@pytest.mark.parametrize("readme_phrase", ["--addr", "ITSM_BASE_URL", "fonts-wqy-microhei"])
def test_the_readme_tells_a_newcomer(readme_phrase):
    from django.conf import settings

    assert readme_phrase in (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
