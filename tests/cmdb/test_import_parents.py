"""Import of accessories with their parent's tag, and of the class's own attributes."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from cmdb.choices import ImportMode, ImportStatus
from cmdb.models import CIClass, ConfigurationItem
from cmdb.services.imports import guess_mapping, import_apply, import_preview, import_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def _preview(user, text, name="a.csv"):
    batch = import_upload(actor=user, name=name, content=text.encode())
    return import_preview(actor=batch.created_by, batch=batch, mapping=batch.mapping)


def _rows(batch):
    return {row["line"]: row for row in batch.plan["rows"]}


HEADER = "资产编号,资产名称,类别,父项资产编号,责任人,位置\n"


def test_an_accessory_names_a_parent_earlier_in_the_file(engineer, make_person, location):
    owner = make_person(name="王芳")
    batch = _preview(
        engineer,
        HEADER
        + f"PC-1,台式机,台式计算机,,{owner.username},机关办公楼 / 3 层 / 301\n"
        + "MN-1,显示器,显示器,pc-1,,\n",
    )
    rows = _rows(batch)
    assert rows[3]["action"] == "create"
    assert ["Parent item", "", "pc-1 (line 2 of this file)"] in rows[3]["changes"]
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    monitor = ConfigurationItem.objects.get(asset_tag="MN-1")
    assert monitor.parent.asset_tag == "PC-1"
    assert (monitor.responsible, monitor.location) == (owner, location), "follows its parent"


def test_an_accessory_names_a_parent_already_in_the_cmdb(engineer, make_ci):
    desktop = make_ci(asset_tag="PC-0042")
    batch = _preview(engineer, "资产编号,资产名称,类别,父项\nMN-2,显示器,显示器,pc-0042\n")
    assert _rows(batch)[2]["changes"][-1] == ["Parent item", "", "PC-0042"]
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    assert ConfigurationItem.objects.get(asset_tag="MN-2").parent == desktop


def test_unknown_later_and_own_parents_are_row_errors(engineer):
    batch = _preview(
        engineer,
        "资产编号,资产名称,类别,父项资产编号\n"
        "MN-1,显示器,显示器,PC-404\n"
        "MN-2,显示器,显示器,PC-9\n"
        "MN-3,显示器,显示器,mn-3\n"
        "PC-9,台式机,台式计算机,\n",
    )
    rows = _rows(batch)
    assert rows[2]["errors"] == [
        ["父项资产编号", "No item has the asset tag PC-404, in the CMDB or earlier in this file."]
    ]
    assert rows[3]["errors"] == [
        [
            "父项资产编号",
            "The parent PC-9 is on line 5, after this row; list parents before their accessories.",
        ]
    ]
    assert rows[4]["errors"] == [["父项资产编号", "An item cannot be its own parent."]]
    assert rows[5]["action"] == "create"
    report = import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    assert report["applied"] is False and not ConfigurationItem.objects.exists()


def test_a_parent_that_makes_a_loop_is_refused(engineer, make_ci):
    desktop = make_ci(asset_tag="PC-1")
    monitor = make_ci(asset_tag="MN-1", ci_class="monitor", parent=desktop)
    make_ci(asset_tag="KB-1", ci_class="monitor", parent=monitor)
    batch = _preview(engineer, "资产编号,父项资产编号\nPC-1,KB-1\n")
    (row,) = batch.plan["rows"]
    assert row["errors"] == [
        ["父项资产编号", "This parent would make a loop: PC-1 → KB-1 → MN-1 → PC-1."]
    ]
    # A chain through new rows is fine.
    batch = _preview(
        engineer,
        "资产编号,资产名称,类别,父项资产编号\nA-1,甲,显示器,\nA-2,乙,显示器,A-1\n"
        "A-3,丙,显示器,A-2\n",
    )
    assert batch.plan["counts"] == {"create": 3, "update": 0, "unchanged": 0, "error": 0}
    # Two items in the CMDB made each other's parent.
    make_ci(asset_tag="B-1")
    make_ci(asset_tag="B-2")
    batch = _preview(engineer, "资产编号,父项资产编号\nB-1,B-2\nB-2,B-1\n")
    assert [row["action"] for row in batch.plan["rows"]] == ["error", "error"]
    assert "loop: B-1 → B-2 → B-1" in batch.plan["rows"][0]["errors"][0][1]


def test_an_accessory_of_a_bad_row_is_not_imported_either(engineer):
    batch = _preview(
        engineer,
        "资产编号,资产名称,类别,父项资产编号,IP\n"
        "PC-1,台式机,台式计算机,,10.0.0.300\n"
        "MN-1,显示器,显示器,PC-1,\n"
        "MN-2,另一个,显示器,,\n",
    )
    rows = _rows(batch)
    assert rows[3]["errors"] == [
        [
            "父项资产编号",
            "The parent PC-1 on line 2 has errors, so this row cannot be imported.",
        ]
    ]
    report = import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)
    assert report["written"] == 1
    assert list(ConfigurationItem.objects.values_list("asset_tag", flat=True)) == ["MN-2"]


ATTRIBUTES = "资产编号,资产名称,类别,CPU,内存 (GB),网络打印,尺寸 (英寸),电池更换日期\n"


def test_class_attributes_are_imported_with_their_types(engineer):
    batch = _preview(
        engineer,
        ATTRIBUTES
        + "PC-1,台式机,台式计算机,i5-10500,16,,,\n"
        + "PR-1,打印机,打印机,,,是,,\n"
        + "MN-1,显示器,显示器,,,,23.8,\n"
        + "UPS-1,电源,UPS 不间断电源,,,,,2026/3/31\n",
    )
    assert batch.mapping["attr__memory_gb"] == 4 and batch.mapping["attr__networked"] == 5
    assert batch.plan["counts"] == {"create": 4, "update": 0, "unchanged": 0, "error": 0}
    assert ["内存 (GB)", "", "16"] in _rows(batch)[2]["changes"]
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    attributes = dict(ConfigurationItem.objects.values_list("asset_tag", "attributes"))
    assert attributes == {
        "PC-1": {"cpu": "i5-10500", "memory_gb": 16},
        "PR-1": {"networked": True},
        "MN-1": {"size_inch": 23.8},
        "UPS-1": {"battery_replaced": "2026-03-31"},
    }


def test_bad_attribute_values_are_row_errors_by_column(engineer):
    batch = _preview(
        engineer,
        ATTRIBUTES
        + "PC-1,台式机,台式计算机,,十六,,,\n"
        + "PC-2,台式机,台式计算机,,,是,,\n"
        + "PR-1,打印机,打印机,,,也许,,\n"
        + "PC-3,好的,台式计算机,,8,,,\n",
    )
    rows = _rows(batch)
    assert rows[2]["errors"] == [["内存 (GB)", "内存 (GB): 十六 is not a valid Whole number."]]
    assert rows[3]["errors"] == [
        ["网络打印", "The class 台式计算机 has no attribute networked; leave this cell empty."]
    ]
    assert rows[4]["errors"] == [["网络打印", "网络打印: 也许 is not a valid Yes / no."]]
    assert rows[5]["action"] == "create"
    report = import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    assert report["applied"] is False and not ConfigurationItem.objects.exists()


def test_a_required_attribute_missing_is_reported_on_its_column(engineer):
    batch = _preview(engineer, "资产编号,资产名称,类别,类型 (kind)\nNW-1,交换机,网络设备,\n")
    assert batch.mapping["ci_class"] == 2 and batch.mapping["attr__kind"] == 3
    (row,) = batch.plan["rows"]
    assert row["errors"] == [["类型 (kind)", "kind: 类型 is required."]]
    batch = _preview(engineer, "资产编号,资产名称,类别,类型 (kind)\nNW-1,交换机,网络设备,交换机\n")
    assert batch.plan["counts"]["create"] == 1


def test_updating_attributes_lists_old_and_new_and_keeps_the_others(engineer, make_ci):
    ci = make_ci(asset_tag="PC-1", attributes={"cpu": "i3", "memory_gb": 8, "os": "Windows 10"})
    text = "资产编号,CPU,内存 (GB),操作系统\npc-1,i5,8,\n"
    batch = _preview(engineer, text)
    (row,) = batch.plan["rows"]
    assert row["action"] == "update" and row["changes"] == [["CPU", "i3", "i5"]]
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    ci.refresh_from_db()
    assert ci.attributes == {"cpu": "i5", "memory_gb": 8, "os": "Windows 10"}
    again = _preview(engineer, text)
    assert again.plan["counts"] == {"create": 0, "update": 0, "unchanged": 1, "error": 0}


def test_reimporting_parents_and_attributes_changes_nothing(engineer):
    text = (
        "资产编号,资产名称,类别,父项资产编号,内存 (GB)\n"
        "PC-1,台式机,台式计算机,,16\nMN-1,显示器,显示器,PC-1,\n"
    )
    import_apply(actor=engineer, batch=_preview(engineer, text), mode=ImportMode.ALL_OR_NOTHING)
    again = _preview(engineer, text)
    assert again.plan["counts"] == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


@pytest.fixture
def family(make_ci, make_person, department, location):
    owner = make_person(name="王芳")
    desktop = make_ci(
        asset_tag="PC-1",
        responsible=owner,
        department=department,
        location=location,
        attributes={"cpu": "i5", "memory_gb": 16, "hostname": "=cmd|calc"},
    )
    monitor = make_ci(
        asset_tag="MN-1", ci_class="monitor", parent=desktop, attributes={"size_inch": 23.8}
    )
    printer = make_ci(
        asset_tag="PR-1",
        ci_class="printer",
        attributes={"networked": False, "kind": "激光", "brand_model": "-HP"},
    )
    ups = make_ci(asset_tag="UPS-1", ci_class="ups", attributes={"battery_replaced": "2026-03-31"})
    return [desktop, monitor, printer, ups]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_with_parents_and_attributes_reimports_unchanged(
    client, engineer, family, fmt, language
):
    client.force_login(engineer)
    response = client.get(reverse("cmdb:ci_export"), {"format": fmt}, HTTP_ACCEPT_LANGUAGE=language)
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert "类型 (kind)" in header and "内存 (GB)" in header and "网络打印" in header
    batch = import_upload(actor=engineer, name=f"assets.{fmt}", content=body)
    assert "parent" in batch.mapping and "attr__size_inch" in batch.mapping
    assert "attr__kind" in batch.mapping and "ci_class" in batch.mapping
    batch = import_preview(actor=batch.created_by, batch=batch, mapping=batch.mapping)
    assert batch.plan["counts"] == {"create": 0, "update": 0, "unchanged": 4, "error": 0}, [
        row for row in batch.plan["rows"] if row["action"] != "unchanged"
    ]


def test_the_mapping_page_offers_parent_and_attribute_columns(client, engineer):
    client.force_login(engineer)
    client.post(
        reverse("cmdb:import_upload"),
        {"file": _file("a.csv", "资产编号,父项资产编号,品牌型号,类型\nX,,,\n".encode())},
    )
    from cmdb.models import ImportBatch

    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'name="parent"' in page and 'name="attr__memory_gb"' in page
    assert "Class attributes (1 column mapped)" in page
    assert batch.mapping == {"asset_tag": 0, "parent": 1, "attr__brand_model": 2, "ci_class": 3}


def test_headers_a_fixed_field_is_known_by_stay_with_that_field():
    mapping = guess_mapping(["资产编号", "类型", "IP", "kind", "品牌型号"])
    assert mapping == {
        "asset_tag": 0,
        "ci_class": 1,
        "ip_address": 2,
        "attr__kind": 3,
        "attr__brand_model": 4,
    }


def test_the_dry_run_query_count_is_flat_with_parents_and_attributes(
    engineer, make_ci, django_assert_max_num_queries
):
    make_ci(asset_tag="PC-0")

    def text(n):
        lines = [f"PC-{i},台式机,台式计算机,PC-0,16" for i in range(1, n)]
        return "资产编号,资产名称,类别,父项资产编号,内存 (GB)\n" + "\n".join(lines) + "\n"

    small = import_upload(actor=engineer, name="a.csv", content=text(3).encode())
    with django_assert_max_num_queries(20) as few:
        import_preview(actor=engineer, batch=small, mapping=small.mapping)
    large = import_upload(actor=engineer, name="a.csv", content=text(40).encode())
    with django_assert_max_num_queries(len(few.captured_queries)):
        import_preview(actor=engineer, batch=large, mapping=large.mapping)
    assert large.plan["counts"]["create"] == 39


def test_demo_sheet_has_accessories_and_one_bad_accessory(tmp_path, engineer, make_ci):
    make_ci(asset_tag="PC-0001")
    out = tmp_path / "demo.xlsx"
    call_command("cmdb_demo_sheet", out=str(out), rows=12, bad_accessory=True)
    batch = import_upload(actor=engineer, name=out.name, content=out.read_bytes())
    assert batch.mapping["parent"] == 13 and batch.mapping["attr__size_inch"] == 17
    batch = import_preview(actor=batch.created_by, batch=batch, mapping=batch.mapping)
    errors = [row for row in batch.plan["rows"] if row["action"] == "error"]
    assert [row["tag"] for row in errors] == ["IMP-BAD2"]
    assert {column for column, _reason in errors[0]["errors"]} == {"父项资产编号", "尺寸 (英寸)"}
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)
    parents = dict(
        ConfigurationItem.objects.filter(ci_class__code="monitor").values_list(
            "asset_tag", "parent__asset_tag"
        )
    )
    assert parents == {"IMP-0004": "PC-0001", "IMP-0008": "IMP-0007", "IMP-0012": "IMP-0011"}
    assert ConfigurationItem.objects.get(asset_tag="IMP-0001").attributes["cpu"] == "Intel i5-10500"
    assert CIClass.objects.get(code="monitor").items.count() == 3
    assert batch.status == ImportStatus.APPLIED


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_an_xlsx_sheet_is_as_wide_as_its_last_filled_column(engineer):
    from openpyxl import Workbook

    from cmdb.tabular import read_sheet

    workbook = Workbook(write_only=True)  # write-only sheets carry no dimension
    sheet = workbook.create_sheet()
    sheet.append(["资产编号", "资产名称", ""])
    sheet.append(["PC-1", "电脑", None, "", "extra"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = read_sheet("a.xlsx", buffer.getvalue())
    assert read.headers == ["资产编号", "资产名称", "Column 3", "Column 4", "Column 5"]
    assert read.rows == [(2, ["PC-1", "电脑", "", "", "extra"])]
