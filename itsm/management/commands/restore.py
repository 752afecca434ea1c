from django.core.management.base import BaseCommand, CommandError

from itsm.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the configured database, which must be freshly "
        "created and empty, and copy its files into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A file written by `manage.py backup`.")

    def handle(self, *args, archive, **options):
        try:
            manifest = backup_restore(archive=archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {manifest['engine']} database of {manifest['created']} and "
                f"{manifest['media_files']} file(s)."
            )
        )
