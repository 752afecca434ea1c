import pytest
from django.core.management import call_command
from django.urls import reverse

from cmdb.choices import ImportMode
from cmdb.models import ConfigurationItem
from cmdb.services.imports import import_apply, import_preview, import_upload

pytestmark = pytest.mark.django_db


def test_demo_sheet_imports_with_exactly_one_bad_row(tmp_path, engineer, make_person, make_ci):
    make_person(name="演示用户")
    make_ci(asset_tag="PC-0001")
    out = tmp_path / "demo.xlsx"
    call_command("cmdb_demo_sheet", out=str(out), rows=12, bad_row=True)
    batch = import_upload(actor=engineer, name=out.name, content=out.read_bytes())
    batch = import_preview(actor=batch.created_by, batch=batch, mapping=batch.mapping)
    errors = [row for row in batch.plan["rows"] if row["action"] == "error"]
    assert [row["tag"] for row in errors] == ["IMP-BAD1"]
    assert {column for column, _reason in errors[0]["errors"]} == {"保修截止", "IP"}
    assert batch.plan["counts"]["create"] == 12 and batch.plan["counts"]["update"] == 1
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_VALID)
    assert ConfigurationItem.objects.filter(asset_tag__startswith="IMP-").count() == 12


def test_hub_and_new_pages_render(client, supervisor):
    client.force_login(supervisor)
    for name in (
        "cmdb_home",
        "import_upload",
        "census_list",
        "warranty_list",
        "spare_stock",
        "requisition_list",
        "loan_list",
        "baseline_list",
        "monthly_summary",
    ):
        assert client.get(reverse(f"cmdb:{name}")).status_code == 200, name


def test_census_and_baseline_api_are_read_only(client, supervisor):
    client.force_login(supervisor)
    assert client.get("/api/census-campaigns/").status_code == 200
    assert client.get("/api/baselines/").status_code == 200
    assert client.post("/api/baselines/", {}).status_code == 405
