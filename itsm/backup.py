"""Backup and restore of the database and the uploaded files, in one archive.

The archive is a plain tar file: `manifest.json` (what and when), the database
(`database.pgdump` from pg_dump's custom format, or `database.sqlite3` from SQLite's online
backup API, consistent while the portal runs) and `media/…` (attachments, document files,
photos). Restore goes into an EMPTY database (freshly created, nothing migrated): it
refuses a database that already holds the portal's tables, so a slip of the finger cannot
overwrite production.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    pass


def _database():
    return settings.DATABASES["default"]


def _is_sqlite() -> bool:
    return _database()["ENGINE"] == "django.db.backends.sqlite3"


def _pg_env() -> dict:
    db = _database()
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 (fixed tools, arguments from our settings)
        command, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def backup_create(*, target_dir: Path) -> Path:
    """Write one archive into `target_dir` and return its path."""
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = target_dir / f"itsm-backup-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if _is_sqlite():
            database_file = work / "database.sqlite3"
            source = sqlite3.connect(str(_database()["NAME"]))
            try:
                destination = sqlite3.connect(str(database_file))
                with destination:
                    source.backup(destination)
                destination.close()
            finally:
                source.close()
        else:
            database_file = work / "database.pgdump"
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(database_file)])
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "engine": "sqlite" if _is_sqlite() else "postgresql",
            "database": database_file.name,
            "media_files": sum(1 for p in media_root.rglob("*") if p.is_file())
            if media_root.exists()
            else 0,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        with tarfile.open(archive, "w") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(database_file, arcname=database_file.name)
            if media_root.exists():
                tar.add(media_root, arcname="media")
    return archive


def _portal_tables_exist() -> bool:
    return "django_migrations" in connection.introspection.table_names()


def backup_restore(*, archive: Path) -> dict:
    """Restore `archive` into the configured, empty database and MEDIA_ROOT."""
    archive = Path(archive)
    if not archive.exists():
        raise BackupError(f"{archive}: no such file")
    if _portal_tables_exist():
        raise BackupError(
            "The database is not empty (it has django_migrations). Restore into a freshly "
            "created database."
        )
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        work = Path(work)
        tar.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        expected = "sqlite" if _is_sqlite() else "postgresql"
        if manifest.get("engine") != expected:
            raise BackupError(
                f"The archive holds a {manifest.get('engine')} database; this portal runs "
                f"on {expected}."
            )
        if _is_sqlite():
            connection.close()
            shutil.copyfile(work / manifest["database"], _database()["NAME"])
        else:
            connection.close()
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--dbname",
                    _database()["NAME"],
                    str(work / manifest["database"]),
                ]
            )
        media = work / "media"
        if media.exists():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest
