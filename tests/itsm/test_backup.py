"""A backup restores into an empty database with its work orders and attachments.

Runs the real commands in subprocesses against a database of its own: a SQLite file, or
on PostgreSQL (CI) two fresh databases beside the test database.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SEED = """
from django.core.files.uploadedfile import SimpleUploadedFile
from incidents.services import work_order_create
from servicedesk.choices import Role
from servicedesk.services import person_create
user = person_create(username="wang", name="王芳", email="wang@example.gov.cn",
                     password="Correct-Horse-9", roles=(Role.END_USER,)).user
work_order_create(actor=user, requester=user, title="打印机卡纸（备份测试）",
                  files=[SimpleUploadedFile("卡纸.txt", "纸卡在第二个纸盒".encode())])
"""

CHECK = """
from incidents.models import Attachment, WorkOrder
order = WorkOrder.objects.get(title="打印机卡纸（备份测试）")
attachment = Attachment.objects.get(work_order=order)
print("FOUND", order.number, attachment.file.read().decode())
"""


def _env(database_url, media):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="itsm.settings",
        DEBUG="1",
        SECRET_KEY="backup-test-key",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_URL="consolemail://",
    )
    return env


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def databases(tmp_path):
    """(source URL, empty target URL) on the engine the suite runs on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'source.sqlite3'}", f"sqlite:///{tmp_path / 'target.sqlite3'}"
        return
    base = url.rsplit("/", 1)[0]
    names = [f"backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    admin = [
        "psql",
        url.rsplit("/", 1)[0] + "/postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        "-c",
    ]
    for name in names:
        subprocess.run(
            [*admin, f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"], check=True
        )
    yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    for name in names:
        subprocess.run([*admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def test_a_backup_restores_into_an_empty_database_with_its_work_orders_and_files(
    tmp_path, databases
):
    source_url, target_url = databases
    source = _env(source_url, tmp_path / "media-source")
    _manage(source, "migrate", "-v0")
    _manage(source, "shell", "-c", SEED)
    out = _manage(source, "backup", "--dir", str(tmp_path / "backups"))
    archive = next((tmp_path / "backups").glob("itsm-backup-*.tar"))
    assert str(archive) in out

    target = _env(target_url, tmp_path / "media-target")
    _manage(target, "restore", str(archive))
    found = _manage(target, "shell", "-c", CHECK)
    assert "FOUND D0201-" in found and "纸卡在第二个纸盒" in found

    # A second restore over the restored data is refused: nothing is overwritten.
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=target,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and "not empty" in result.stderr
