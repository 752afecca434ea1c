"""manage.py report_png: a report's pages as PNG files to look at."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from reports import registry
from tests.reports.factories import sample_section

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftoppm") or not Path(settings.ITSM["PDF_FONT_PATH"]).is_file(),
    reason="needs pdftoppm and the CJK font",
)


def test_report_type_and_period_render_pages_to_png(tmp_path, monkeypatch):
    calls = []

    def build(report_type, period, *, options):
        calls.append((report_type.code, period.slug, options))
        return [sample_section(rows=80)]

    monkeypatch.setattr(registry, "build_sections", build)
    out = StringIO()
    call_command(
        "report_png", "--type", "service_summary", "--period", "2026-09", "--language", "en",
        "--out", str(tmp_path), stdout=out,
    )  # fmt: skip
    names = out.getvalue().split()
    assert calls == [("service_summary", "2026-09", {"preliminary": False})]
    assert len(names) >= 4
    for name in names:
        path = Path(name)
        assert path.parent == tmp_path and path.name.startswith("service_summary-2026-09-en-")
        assert path.read_bytes().startswith(b"\x89PNG")


def test_bad_period_is_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="not a quarter"):
        call_command(
            "report_png",
            "--type",
            "operations_quarter",
            "--period",
            "2026-09",
            "--out",
            str(tmp_path),
        )
    with pytest.raises(CommandError, match="--period is required"):
        call_command("report_png", "--type", "service_summary", "--out", str(tmp_path))
