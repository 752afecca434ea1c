"""Render a report's PDF pages to PNG files to look at them (pdftoppm, poppler-utils).

    manage.py report_png --report 12 --language zh-hans --out var/report-png/
    manage.py report_png --type service_summary --period 2026-09 --language en

The second form builds the sections live (reports.registry.build_sections) without a
stored report, so a layout can be checked before any report exists.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import registry
from reports.definitions import Document
from reports.pdf import render_pdf
from reports.periods import Period
from reports.rendering import preview_document


class Command(BaseCommand):
    help = "Render a report's PDF pages to PNG (needs pdftoppm) and print the file names."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--report", type=int, help="id of a stored report")
        source.add_argument("--type", choices=sorted(registry.REPORT_TYPES), help="report type")
        parser.add_argument("--period", help="with --type: 2026-09, 2026-Q3 or 2026")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)
        parser.add_argument("--out", default="var/report-png/")
        parser.add_argument("--resolution", type=int, default=60, help="dots per inch")
        parser.add_argument("--pages", help="first-last page, e.g. 1-3 (default: all)")

    def handle(self, *args, **options):
        if not shutil.which("pdftoppm"):
            raise CommandError("pdftoppm is not installed (Debian: apt-get install poppler-utils).")
        if options["report"] is not None:
            document, stem = self._stored(options["report"])
        else:
            document, stem = self._built(options["type"], options["period"])
        language = options["language"]
        pdf = render_pdf(document, language=language)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        prefix = out / f"{stem}-{language}"
        command = ["pdftoppm", "-r", str(options["resolution"]), "-png"]
        if options["pages"]:
            first, _sep, last = options["pages"].partition("-")
            command += ["-f", first, "-l", last or first]
        with tempfile.NamedTemporaryFile(suffix=".pdf") as source:
            source.write(pdf)
            source.flush()
            for old in out.glob(f"{prefix.name}-*.png"):
                old.unlink()
            subprocess.run([*command, source.name, str(prefix)], check=True)  # noqa: S603 (fixed argv)
        for name in sorted(out.glob(f"{prefix.name}-*.png")):
            self.stdout.write(str(name))

    def _stored(self, pk: int) -> tuple[Document, str]:
        try:
            from reports.models import Report
            from reports.selectors import report_document
        except ImportError as error:
            raise CommandError(f"Stored reports are not available here: {error}") from error
        report = Report.objects.filter(pk=pk).first()
        if report is None:
            raise CommandError(f"No report with id {pk}.")
        return report_document(report), f"report-{pk}"

    def _built(self, code: str, text: str | None) -> tuple[Document, str]:
        report_type = registry.REPORT_TYPES[code]
        if not text:
            raise CommandError("--period is required with --type (e.g. 2026-09, 2026-Q3, 2026).")
        try:
            period = Period.parse(report_type.period_kind, text)
        except ValueError as error:
            raise CommandError(
                f"{text!r} is not a {report_type.period_kind} (e.g. 2026-09, 2026-Q3, 2026)."
            ) from error
        preliminary = not period.is_closed(timezone.localdate())
        try:
            document = preview_document(report_type, period, preliminary=preliminary)
        except ModuleNotFoundError as error:
            raise CommandError(f"A section builder of {code} is missing: {error}") from error
        return document, f"{code}-{period.slug}"
