from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from itsm.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one tar archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Folder for the archive (default var/backups).",
        )

    def handle(self, *args, dir, **options):  # noqa: A002 (the option's name)
        try:
            archive = backup_create(target_dir=Path(dir))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
