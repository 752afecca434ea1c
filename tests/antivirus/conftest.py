from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmdb.models import CIClass, ConfigurationItem
from servicedesk.models import Department

SAMPLES = Path(__file__).resolve().parents[2] / "antivirus" / "samples"


@pytest.fixture
def sample():
    def load(name: str) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")

    return load


@pytest.fixture
def upload():
    def make(text: str, *, name="export.csv", encoding="utf-8") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")

    return make


@pytest.fixture
def estate(db, department, end_user):
    """The CMDB computers the samples name: PC0001–PC0017 and PC0101–PC0114 (host name
    attribute), two servers known only by IP (10.0.0.11, 10.0.0.12)."""
    # get_or_create: a transactional (browser) test may run after a flush of the seeded classes.
    desktop, _created = CIClass.objects.get_or_create(
        code="desktop", defaults={"name": "台式计算机"}
    )
    server, _created = CIClass.objects.get_or_create(code="server", defaults={"name": "服务器"})
    other = Department.objects.create(name="办公室", code="office")
    items = []
    for n in [*range(1, 18), *range(101, 115)]:
        floor = 3 + (n % 6)
        items.append(
            ConfigurationItem(
                asset_tag=f"PC-{n:04d}",
                name=f"台式机{n}",
                ci_class=desktop,
                ip_address=f"10.1.{floor}.{10 + n % 240}",
                attributes={"hostname": f"PC{n:04d}", "os": "Windows 10"},
                department=department if n < 100 else other,
                responsible=end_user if n == 1 else None,
            )
        )
    for tag, ip in (("SV-001", "10.0.0.11"), ("SV-002", "10.0.0.12")):
        items.append(
            ConfigurationItem(
                asset_tag=tag,
                name=f"服务器{tag}",
                ci_class=server,
                ip_address=ip,
                attributes={"os": "Windows Server 2019"},
                department=department,
            )
        )
    ConfigurationItem.objects.bulk_create(items)
    return {ci.asset_tag: ci for ci in ConfigurationItem.objects.all()}


@pytest.fixture
def make_ci_many(db):
    def make(count: int, *, start: int = 5000, floor: int = 3):
        desktop = CIClass.objects.get(code="desktop")
        ConfigurationItem.objects.bulk_create(
            [
                ConfigurationItem(
                    asset_tag=f"PC-{n:05d}",
                    name=f"台式机{n}",
                    ci_class=desktop,
                    ip_address=f"10.{2 + n // 60000}.{(n // 250) % 250}.{n % 250 + 1}",
                    attributes={"hostname": f"PC{n:05d}"},
                )
                for n in range(start, start + count)
            ]
        )

    return make
