"""The printed route sheet's QR codes read back (zbarimg) to the right devices."""

import shutil
import subprocess

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(
    not shutil.which("zbarimg") or not shutil.which("pdftoppm"),
    reason="needs zbar-tools and poppler-utils",
)
def test_route_sheet_qr_codes_read_back_to_the_devices(
    client, approved_plan, engineer, devices, tmp_path
):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    pdf = client.get(reverse("inspections:route_sheet", args=[route.pk])).content
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(str(p) for p in tmp_path.glob("page*.png"))
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", *pages], capture_output=True, text=True
    ).stdout.split()
    assert sorted(found) == sorted(ci.asset_tag for ci in devices)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "sheet.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "巡检路线单" in text and devices[0].asset_tag in text
