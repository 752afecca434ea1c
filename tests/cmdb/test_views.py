import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cmdb.choices import RelationshipType as T
from cmdb.models import Supplier
from cmdb.services import relationship_create
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db

needs_font = pytest.mark.skipif(
    not Path(settings.ITSM["PDF_FONT_PATH"]).is_file(), reason="CJK font not installed"
)


def _need(*binaries):
    missing = [b for b in binaries if shutil.which(b) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


def test_list_queries_stay_flat_as_items_grow(
    client, engineer, make_ci, make_person, department, location, django_assert_max_num_queries
):
    client.force_login(engineer)
    owner = make_person()

    def add(n):
        for _ in range(n):
            desktop = make_ci(responsible=owner, department=department, location=location)
            make_ci(ci_class="monitor", parent=desktop)

    add(2)
    with django_assert_max_num_queries(20) as few:
        response = client.get(reverse("cmdb:ci_list"))
    assert response.status_code == 200
    add(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("cmdb:ci_list"), {"page": 2})
    assert response.status_code == 200


def test_detail_queries_stay_flat_with_accessories_links_and_history(
    client, engineer, make_ci, make_person, django_assert_max_num_queries
):
    from cmdb.services import ci_update

    client.force_login(engineer)
    owner = make_person()
    desktop = make_ci(responsible=owner, supplier=Supplier.objects.create(name="联想"))
    make_ci(ci_class="monitor", parent=desktop)
    with django_assert_max_num_queries(30) as few:
        assert client.get(desktop.get_absolute_url()).status_code == 200
    for i in range(10):
        make_ci(ci_class="monitor", parent=desktop)
        relationship_create(
            actor=SYSTEM(),
            source=desktop,
            target=make_ci(ci_class="network", attributes={"kind": "交换机"}),
            type=T.CONNECTED_TO,
        )
        relationship_create(
            actor=SYSTEM(),
            source=make_ci(ci_class="application"),
            target=desktop,
            type=T.INSTALLED_ON,
        )
        ci_update(actor=SYSTEM(), ci=desktop, name=f"改名{i}", responsible=make_person())
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(desktop.get_absolute_url()).content.decode()
    assert "改名9" in body


def test_end_user_sees_own_item_but_not_others(client, end_user, make_ci, make_person):
    mine = make_ci(responsible=end_user, name="我的电脑")
    theirs = make_ci(responsible=make_person(), name="别人的电脑")
    client.force_login(end_user)
    body = client.get(reverse("cmdb:ci_list")).content.decode()
    assert "我的电脑" in body
    assert "别人的电脑" not in body
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(reverse("cmdb:ci_label", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("cmdb:ci_impact", args=[mine.pk])).status_code == 403


def test_script_in_fields_shows_as_text(client, engineer, make_ci):
    ci = make_ci(name="<script>alert(1)</script>", attributes={"hostname": "<b>pc</b>"})
    client.force_login(engineer)
    for url in (
        reverse("cmdb:ci_list"),
        ci.get_absolute_url(),
        reverse("cmdb:ci_impact", args=[ci.pk]),
    ):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;" in body
    assert "&lt;b&gt;pc&lt;/b&gt;" in client.get(ci.get_absolute_url()).content.decode()


def test_list_filters_and_search(client, engineer, make_ci):
    make_ci(asset_tag="PR-0001", ci_class="printer", name="打印机甲", status="in_repair")
    make_ci(asset_tag="PC-0001", name="台式机乙")
    client.force_login(engineer)
    body = client.get(reverse("cmdb:ci_list"), {"status": "in_repair"}).content.decode()
    assert "打印机甲" in body and "台式机乙" not in body
    body = client.get(reverse("cmdb:ci_list"), {"q": "pc-0001"}).content.decode()
    assert "台式机乙" in body and "打印机甲" not in body
    # A nonsense filter value is ignored, never an error.
    assert client.get(reverse("cmdb:ci_list"), {"ci_class": "x", "page": "999"}).status_code == 200


def test_scanning_a_tag_opens_the_item(client, engineer, make_ci):
    ci = make_ci(asset_tag="PC-0777")
    client.force_login(engineer)
    response = client.get(reverse("cmdb:scan"), {"tag": " pc-0777 "})
    assert response.status_code == 302
    assert response["Location"] == ci.get_absolute_url()
    page = client.get(reverse("cmdb:scan"), {"tag": "NOPE"})
    assert page.status_code == 200
    assert "NOPE" in page.content.decode()
    assert "autofocus" in page.content.decode()


def test_end_user_cannot_scan_into_someone_elses_item(client, end_user, make_ci, make_person):
    make_ci(asset_tag="PC-0888", responsible=make_person())
    client.force_login(end_user)
    assert client.get(reverse("cmdb:scan"), {"tag": "PC-0888"}).status_code == 200


def test_impact_page_names_affected_vip_users_first(
    client, engineer, make_ci, make_person, vip_level
):
    server = make_ci(ci_class="server", name="登记服务器")
    app = make_ci(ci_class="application", name="不动产登记系统")
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    clerk = make_person(name="科员甲")
    boss = make_person(name="局长乙", service_level=vip_level)
    for owner in (clerk, boss):
        relationship_create(
            actor=SYSTEM(), source=app, target=make_ci(responsible=owner), type=T.USED_BY
        )
    client.force_login(engineer)
    body = client.get(reverse("cmdb:ci_impact", args=[server.pk])).content.decode()
    assert "不动产登记系统" in body
    assert body.index("局长乙") < body.index("科员甲")
    assert "<svg" in body


def _labelled_item(make_ci):
    supplier = Supplier.objects.create(
        name="联想华北服务商", contact_name="刘工", contact_phone="13900001111"
    )
    return make_ci(
        asset_tag="PC-0042",
        name="财务处王芳台式机",
        contract_number="HT-2026-001",
        serial_number="SN123456",
        system_serial="SYS-9",
        ip_address="10.1.3.42",
        warranty_end="2028-12-31",
        supplier=supplier,
    )


@needs_font
def test_label_pdf_has_the_fields_in_chinese(client, engineer, make_ci, tmp_path):
    ci = _labelled_item(make_ci)
    client.force_login(engineer)
    response = client.get(reverse("cmdb:ci_label", args=[ci.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    if shutil.which("pdftotext"):
        path = tmp_path / "label.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for expected in (
            "财务处王芳台式机",
            "PC-0042",
            "HT-2026-001",
            "SN123456",
            "2028-12-31",
            "10.1.3.42",
            "SYS-9",
            "联想华北服务商",
            "刘工",
            "13900001111",
        ):
            assert expected in text


@needs_font
@_need("pdffonts")
def test_label_pdf_embeds_the_cjk_font(client, engineer, make_ci, tmp_path):
    ci = _labelled_item(make_ci)
    client.force_login(engineer)
    path = tmp_path / "label.pdf"
    path.write_bytes(client.get(reverse("cmdb:ci_label", args=[ci.pk])).content)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    # Columns: name, type, encoding, emb, sub, uni, object ID: every font is embedded.
    assert all(row[-5] == "yes" for row in rows), fonts
    assert any("WenQuanYi" in row[0] or "+" in row[0] for row in rows), fonts


@_need("pdftoppm", "zbarimg")
@pytest.mark.parametrize("layout", ["a4-2x5", "a4-2x7"])
def test_label_sheet_barcodes_read_back(client, engineer, make_ci, tmp_path, layout):
    tags = [make_ci(asset_tag=f"PC-{n:04d}").asset_tag for n in range(1, 4)]
    client.force_login(engineer)
    response = client.get(reverse("cmdb:ci_labels"), {"layout": layout})
    assert response.status_code == 200
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    image = sorted(tmp_path.glob("page*.png"))[0]
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True
    ).stdout
    assert sorted(scanned.split()) == tags


def test_label_sheet_prints_only_ticked_and_visible_items(client, end_user, make_ci, make_person):
    mine = make_ci(responsible=end_user)
    theirs = make_ci(responsible=make_person())
    client.force_login(end_user)
    from unittest import mock

    with mock.patch("cmdb.views.labels_pdf", return_value=b"%PDF") as render:
        client.get(reverse("cmdb:ci_labels"), {"id": [mine.pk, theirs.pk], "layout": "a4-2x5"})
    assert list(render.call_args.args[0]) == [mine]
