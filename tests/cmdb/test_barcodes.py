"""The asset tag as a Code128 barcode (python-barcode) on the item, label preview and census
scan pages; zbarimg reads it back."""

import re
import shutil
import subprocess
from datetime import date
from xml.dom import minidom

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw

from cmdb.barcodes import code128_png, code128_svg
from cmdb.services.census import census_create, census_scan, census_start

pytestmark = pytest.mark.django_db

ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
needs_zbar = pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools)")


def _zbar(png: bytes, tmp_path) -> str:
    path = tmp_path / "code.png"
    path.write_bytes(png)
    out = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(path)], capture_output=True, text=True, check=False
    )
    return out.stdout.strip()


def _rasterise(svg: bytes, *, px_per_mm: int = 8) -> bytes:
    """Draw the SVG's bars (its <rect>s, in mm) on a white image: what a screen shows."""
    document = minidom.parseString(svg)  # noqa: S318 (our own output)
    root = document.documentElement
    width, height = (float(root.getAttribute(a).removesuffix("mm")) for a in ("width", "height"))
    image = Image.new("L", (int(width * px_per_mm), int(height * px_per_mm)), 255)
    draw = ImageDraw.Draw(image)
    for rect in document.getElementsByTagName("rect"):
        if "fill:black" not in rect.getAttribute("style"):
            continue
        x, y, w, h = (
            float(rect.getAttribute(a).removesuffix("mm")) * px_per_mm
            for a in ("x", "y", "width", "height")
        )
        draw.rectangle([x, y, x + w - 1, y + h - 1], fill=0)
    from io import BytesIO

    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_svg_is_code128_of_the_tag_and_escapes_it():
    svg = code128_svg("PC-0001")
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    assert b"<script" not in svg
    text = minidom.parseString(svg).getElementsByTagName("text")[0].firstChild.data  # noqa: S318
    assert text == "PC-0001"
    odd = code128_svg('A<b>&"c')
    assert b"<b>" not in odd and b"A&lt;b&gt;&amp;" in odd
    assert code128_svg("打印机-01") is None, "Code128 holds Latin-1 only: no barcode, no error"


@needs_zbar
@pytest.mark.parametrize("tag", ["PC-0001", "SV-001", "ab-12/3 x"])
def test_zbarimg_reads_the_tag_back_from_the_svg(tag, tmp_path):
    assert _zbar(_rasterise(code128_svg(tag)), tmp_path) == tag


@needs_zbar
def test_zbarimg_reads_the_tag_back_from_the_png(tmp_path):
    assert _zbar(code128_png("PR-0042"), tmp_path) == "PR-0042"


def test_the_barcode_image_is_served_safely_to_who_may_see_the_item(
    client, make_ci, end_user, make_person
):
    mine = make_ci(asset_tag="PC-0100", responsible=end_user)
    theirs = make_ci(asset_tag="PC-0101", responsible=make_person())
    client.force_login(end_user)
    response = client.get(reverse("cmdb:ci_barcode", args=[mine.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"PC-0100" in response.content
    assert client.get(reverse("cmdb:ci_barcode", args=[theirs.pk])).status_code == 404


def test_item_and_label_preview_pages_show_the_barcode(client, make_ci, engineer):
    ci = make_ci(asset_tag="PC-0200", contract_number="HT-2026-01", serial_number="SN123")
    client.force_login(engineer)
    barcode = reverse("cmdb:ci_barcode", args=[ci.pk])
    item_page = client.get(reverse("cmdb:ci_detail", args=[ci.pk])).content.decode()
    assert f'src="{barcode}"' in item_page
    assert reverse("cmdb:ci_label_preview", args=[ci.pk]) in item_page
    preview = client.get(reverse("cmdb:ci_label_preview", args=[ci.pk])).content.decode()
    assert f'src="{barcode}"' in preview
    assert "HT-2026-01" in preview and "SN123" in preview
    assert re.search(rf"{reverse('cmdb:ci_label', args=[ci.pk])}\?layout=a4-2x5", preview)


def test_the_census_scan_result_shows_the_barcode(client, make_ci, supervisor, location):
    ci = make_ci(asset_tag="PC-0300", location=location)
    campaign = census_create(actor=supervisor, name="普查", due_date=date(2026, 12, 31))
    census_start(campaign=campaign, actor=supervisor)
    line = census_scan(campaign=campaign, actor=supervisor, tag="pc-0300", location=location)
    client.force_login(supervisor)
    page = client.get(
        reverse("cmdb:census_scan", args=[campaign.pk]), {"last": line.pk}
    ).content.decode()
    assert f'src="{reverse("cmdb:ci_barcode", args=[ci.pk])}"' in page
