import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from antivirus.choices import ImportKind, ImportStatus
from antivirus.importing import import_run, import_upload
from antivirus.models import ConsoleImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def test_the_dry_run_streams_the_file_rather_than_loading_it(engineer, estate, disk_storage):
    header = "Generated,Endpoint,IP Address,User,Security Threat,Infected File,Action,Result\n"
    row = "2026-11-30 10:{m:02d}:{s:02d},PC00{h:02d},,u,TROJ_{t},C:\\\\Users\\\\someone\\\\Downloads\\\\file{n}.exe,Clean,Cleaned\n"
    body = "".join(
        row.format(m=n // 60 % 60, s=n % 60, h=n % 17 + 1, t=n % 50, n=n) for n in range(60_000)
    )
    data = (header + body).encode()
    assert len(data) > 5_000_000
    record = import_upload(
        actor=engineer, kind=ImportKind.EVENTS, uploaded=SimpleUploadedFile("big.csv", data)
    )
    del data, body
    ConsoleImport.objects.filter(pk=record.pk).update(status=ImportStatus.QUEUED)
    tracemalloc.start()
    try:
        record = import_run(record_pk=record.pk, apply=False)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record.status == ImportStatus.CHECKED and record.rows_total == 60_000
    assert peak < 2_000_000, peak  # well under the 5 MB file: rows are read one by one
