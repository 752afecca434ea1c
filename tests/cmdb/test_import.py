import io
from datetime import date, datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import Workbook

from cmdb.choices import ImportMode, ImportStatus
from cmdb.models import ConfigurationItem, ImportBatch, Supplier
from cmdb.selectors import ci_timeline
from cmdb.services.imports import (
    ImportRefused,
    import_apply,
    import_batches_expire,
    import_preview,
    import_upload,
)
from cmdb.tabular import FileRejected, read_sheet
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Messages compared below are the English source strings, in services and pages."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


HEADER = "资产编号,资产名称,类别,序列号,保修截止,IP,责任人,处室,位置,状态,供应商\n"


def _rows(owner):
    return (
        f"PC-1001,财务处台式机,台式计算机,SN001,2027-06-30,10.1.3.21,{owner.username},财务处,机关办公楼 / 3 层 / 301,在用,联想服务商\n"
        f"PC-1002,财务处台式机二,desktop,SN002,2027/6/30,10.1.3.22,{owner.person.name},finance,机关办公楼 3F 301,in_use,\n"
    )


def _upload_and_preview(user, name, content):
    batch = import_upload(actor=user, name=name, content=content)
    return import_preview(actor=batch.created_by, batch=batch, mapping=batch.mapping)


def test_gbk_csv_from_chinese_excel_dry_run_then_apply(
    client, engineer, make_person, department, location
):
    owner = make_person(name="王芳")
    content = (HEADER + _rows(owner)).encode("gbk")
    client.force_login(engineer)
    response = client.post(
        reverse("cmdb:import_upload"),
        {"file": _file("资产.csv", content)},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.mapping["asset_tag"] == 0 and batch.mapping["location"] == 8

    mapping = {k: str(v) for k, v in batch.mapping.items()}
    response = client.post(batch.get_absolute_url(), {"action": "preview", **mapping})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.plan["counts"] == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert not ConfigurationItem.objects.exists(), "a dry run writes nothing"
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "PC-1001" in page and "10.1.3.21" in page

    response = client.post(
        batch.get_absolute_url(), {"action": "apply", "mode": ImportMode.ALL_OR_NOTHING}
    )
    assert response.status_code == 302
    first = ConfigurationItem.objects.get(asset_tag="PC-1001")
    assert first.responsible == owner
    assert first.location == location and first.department == department
    assert first.warranty_end == date(2027, 6, 30)
    assert first.supplier == Supplier.objects.get(name="联想服务商")
    second = ConfigurationItem.objects.get(asset_tag="PC-1002")
    assert second.responsible == owner, "matched by the person's name"
    assert second.location == location
    assert [e.note for e in ci_timeline(ci=first)] == [f"import {batch.pk}"]


def test_utf8_with_and_without_bom_read_the_same():
    text = "资产编号,资产名称\nPC-1,电脑\n"
    plain = read_sheet("a.csv", text.encode("utf-8"))
    bom = read_sheet("a.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    gbk = read_sheet("a.csv", text.encode("gbk"))
    assert plain.headers == bom.headers == gbk.headers == ["资产编号", "资产名称"]
    assert plain.rows == bom.rows == gbk.rows == [(2, ["PC-1", "电脑"])]


def test_reimporting_the_same_file_changes_nothing(engineer, make_person, department, location):
    owner = make_person(name="王芳")
    content = ("\ufeff" + HEADER + _rows(owner)).encode("utf-8")
    first = _upload_and_preview(engineer, "a.csv", content)
    import_apply(actor=engineer, batch=first, mode=ImportMode.ALL_OR_NOTHING)
    logs = LogEntry.objects.count()

    again = _upload_and_preview(engineer, "a.csv", content.replace(b"PC-1001", b"pc-1001"))
    assert again.plan["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    report = import_apply(actor=engineer, batch=again, mode=ImportMode.ALL_VALID)
    assert report["written"] == 0
    assert LogEntry.objects.count() == logs
    assert ConfigurationItem.objects.count() == 2


def test_update_lists_old_and_new_values_and_empty_cells_keep_values(engineer, make_ci):
    ci = make_ci(asset_tag="PC-0001", name="旧名", serial_number="SN-OLD", ip_address="10.0.0.1")
    content = "asset tag,asset name,serial number,IP address\npc-0001,新名,,10.0.0.2\n".encode()
    batch = _upload_and_preview(engineer, "a.csv", content)
    (row,) = batch.plan["rows"]
    assert row["action"] == "update" and row["item"] == ci.pk
    changes = {label: (old, new) for label, old, new in row["changes"]}
    assert changes == {"Asset name": ("旧名", "新名"), "IP address": ("10.0.0.1", "10.0.0.2")}
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)
    ci.refresh_from_db()
    assert (ci.name, ci.serial_number, ci.ip_address) == ("新名", "SN-OLD", "10.0.0.2")


def _bad_file():
    return (
        "资产编号,资产名称,类别,保修截止,IP\n"
        "PC-2001,好的一行,台式计算机,2027-01-01,10.0.0.5\n"
        "PC-2002,坏的一行,台式计算机,2025-13-45,10.0.0.300\n"
        "PC-2003,另一好行,台式计算机,,\n"
        "PC-2001,重复,台式计算机,,\n"
        "PC-2004,无此类别,火箭,,\n"
    ).encode()


def test_bad_rows_are_reported_by_line_column_and_reason(engineer):
    batch = _upload_and_preview(engineer, "bad.csv", _bad_file())
    rows = {row["line"]: row for row in batch.plan["rows"]}
    assert rows[2]["action"] == "create" and rows[4]["action"] == "create"
    assert rows[3]["action"] == "error"
    assert ["保修截止", "2025-13-45 is not a date (use 2026-03-31)."] in rows[3]["errors"]
    assert ["IP", "10.0.0.300 is not an IP address."] in rows[3]["errors"]
    assert rows[5]["errors"] == [["资产编号", "The same asset tag is on line 2."]]
    assert rows[6]["errors"] == [["类别", "No class 火箭."]]


def test_all_or_nothing_applies_nothing_when_a_row_is_bad(client, engineer):
    batch = _upload_and_preview(engineer, "bad.csv", _bad_file())
    report = import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    assert report["applied"] is False
    assert not ConfigurationItem.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    client.force_login(engineer)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Line 3, column “IP”: 10.0.0.300 is not an IP address." in page
    with pytest.raises(ImportRefused):
        import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)


def test_all_valid_applies_the_good_rows_only(engineer):
    batch = _upload_and_preview(engineer, "bad.csv", _bad_file())
    report = import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)
    assert report["applied"] is True and report["written"] == 2
    assert sorted(ConfigurationItem.objects.values_list("asset_tag", flat=True)) == [
        "PC-2001",
        "PC-2003",
    ]
    with pytest.raises(ImportRefused):
        import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)


def test_xlsx_with_date_and_number_cells(engineer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["资产编号", "资产名称", "类别", "序列号", "保修截止"])
    sheet.append(["NB-0001", "笔记本", "笔记本电脑", 123456, datetime(2028, 1, 31)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = _upload_and_preview(engineer, "a.xlsx", buffer.getvalue())
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    ci = ConfigurationItem.objects.get(asset_tag="NB-0001")
    assert ci.serial_number == "123456" and ci.warranty_end == date(2028, 1, 31)
    assert ci.ci_class.code == "laptop"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "The submitted file is empty."),
        ("a.xlsx", b"PK\x03\x04 not really a zip", "The Excel file cannot be read"),
        ("a.xlsx", b"hello", "The Excel file cannot be read"),
        ("a.xls", b"\xd0\xcf\x11\xe0rest", "Old Excel files (.xls)"),
        ("a.pdf", b"%PDF-1.4", "Only CSV and Excel (.xlsx) files"),
        ("a.csv", "资产编号,资产名称\n".encode(), "no data rows"),
        ("a.csv", b"\n\n  \n", "The file has no rows."),
        ("a.csv", b"\x00\x01\x02binary\x00", "not a CSV text file"),
    ],
)
def test_malformed_files_get_a_report_never_a_500(client, engineer, name, content, message):
    client.force_login(engineer)
    response = client.post(reverse("cmdb:import_upload"), {"file": _file(name, content)})
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not ConfigurationItem.objects.exists()


def test_too_many_rows_are_refused(settings, engineer):
    settings.ITSM = {**settings.ITSM, "IMPORT_MAX_ROWS": 3}
    content = ("资产编号,资产名称\n" + "".join(f"T{n},x\n" for n in range(4))).encode()
    with pytest.raises(FileRejected, match="at most 3"):
        import_upload(actor=engineer, name="a.csv", content=content)


def test_a_file_without_a_tag_column_asks_for_one(client, engineer):
    client.force_login(engineer)
    client.post(reverse("cmdb:import_upload"), {"file": _file("a.csv", b"foo,bar\n1,2\n")})
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "No column looks like the asset tag" in page
    response = client.post(batch.get_absolute_url(), {"action": "preview", "asset_tag": ""})
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    with pytest.raises(ImportRefused):
        import_preview(actor=batch.created_by, batch=batch, mapping={"name": 0})


def test_script_in_an_imported_field_shows_as_text(client, engineer):
    content = "资产编号,资产名称,类别\nPC-9,<script>alert(1)</script>,台式计算机\n".encode()
    batch = _upload_and_preview(engineer, "a.csv", content)
    client.force_login(engineer)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)
    body = client.get(reverse("cmdb:ci_list")).content.decode()
    assert "<script>alert(1)</script>" not in body


def test_only_the_uploader_sees_and_applies_a_batch(client, engineer, make_person):
    from servicedesk.choices import Role

    batch = _upload_and_preview(
        engineer, "a.csv", "资产编号,资产名称,类别\nPC-1,x,台式计算机\n".encode()
    )
    other = make_person(Role.ENGINEER)
    client.force_login(other)
    assert client.get(batch.get_absolute_url()).status_code == 404
    with pytest.raises(ImportRefused):
        import_apply(actor=other, batch=batch, mode=ImportMode.ALL_VALID)


def test_end_users_cannot_import(client, end_user):
    client.force_login(end_user)
    assert client.get(reverse("cmdb:import_upload")).status_code == 403


def test_expired_batches_are_deleted(engineer, time_machine):
    batch = import_upload(actor=engineer, name="a.csv", content=b"tag,name\nA,b\n")
    time_machine.move_to(batch.expires_at)
    assert import_batches_expire(actor=SYSTEM()) == 1
    assert not ImportBatch.objects.exists()


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
