from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile .po translation catalogues to .mo in pure Python (polib), so a fresh "
        "machine needs no GNU gettext."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile even if up to date.")

    def handle(self, *args, force=False, **options):
        compiled = 0
        for locale_dir in self._locale_dirs():
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if (
                    not force
                    and mo_path.exists()
                    and mo_path.stat().st_mtime >= po_path.stat().st_mtime
                ):
                    continue
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(self.style.SUCCESS(f"{compiled} catalogue(s) compiled"))

    @staticmethod
    def _locale_dirs():
        dirs = [Path(p) for p in settings.LOCALE_PATHS]
        base = Path(settings.BASE_DIR)
        dirs += [p for p in base.glob("*/locale") if p.is_dir() and p not in dirs]
        return [d for d in dirs if d.is_dir()]
