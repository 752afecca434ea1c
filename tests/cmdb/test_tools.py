"""The register of tools brought on site (§4.3.2): data-storage tools are checked coming
and going, the list shows what is on site, and the API follows the same rules."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cmdb.models import SiteTool
from cmdb.services.lifecycle import tool_register, tool_take_out

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 10, 15, 4, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


def test_a_data_storage_tool_needs_its_checks(engineer):
    with pytest.raises(ValidationError) as refused:
        tool_register(actor=engineer, name="移动硬盘", stores_data=True, owner=engineer)
    assert "check_in" in refused.value.message_dict
    disk = tool_register(
        actor=engineer, name="移动硬盘", stores_data=True, owner=engineer, check_in="空盘",
        brought_in_on=date(2026, 10, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        tool_take_out(actor=engineer, tool=disk)
    with pytest.raises(ValidationError):
        tool_take_out(actor=engineer, tool=disk, taken_out_on=date(2026, 9, 30), check_out="空")
    disk = tool_take_out(actor=engineer, tool=disk, check_out="离场无客户数据")
    assert disk.taken_out_on == date(2026, 10, 15) and not disk.on_site
    with pytest.raises(ValidationError):
        tool_take_out(actor=engineer, tool=disk, check_out="again")


def test_owner_is_required_and_dates_not_in_the_future(engineer):
    with pytest.raises(ValidationError) as refused:
        tool_register(actor=engineer, name="万用表", brought_in_on=date(2026, 10, 16))
    assert set(refused.value.message_dict) == {"owner", "brought_in_on"}
    tool = tool_register(actor=engineer, name="万用表", owner_company="越维科技")
    assert tool.brought_in_on == date(2026, 10, 15) and tool.owner is None


def test_only_engineers_and_supervisors_register(end_user, agent, engineer):
    with pytest.raises(PermissionDenied):
        tool_register(actor=end_user, name="x", owner_company="y")
    with pytest.raises(PermissionDenied):
        tool_register(actor=agent, name="x", owner_company="y")
    tool = tool_register(actor=engineer, name="x", owner_company="y")
    with pytest.raises(PermissionDenied):
        tool_take_out(actor=agent, tool=tool)


@pytest.mark.parametrize(("language", "title"), [("en", "Tools on site"), ("zh-hans", "在场工具")])
def test_page_registers_lists_on_site_and_takes_out(client, engineer, location, language, title):
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.post(
        reverse("cmdb:tool_list"),
        {"name": "<i>测线仪</i>", "serial_number": "FLK-1", "owner": engineer.pk,
         "location": location.pk, "brought_in_on": "2026-10-14"},
    )  # fmt: skip
    assert response.status_code == 302
    tool = SiteTool.objects.get()
    page = client.get(reverse("cmdb:tool_list")).content.decode()
    assert title in page and "&lt;i&gt;测线仪&lt;/i&gt;" in page and "FLK-1" in page
    client.post(
        reverse("cmdb:tool_take_out", args=[tool.pk]), {"taken_out_on": "2026-10-15"}, follow=True
    )  # the message naming the tool is shown here
    assert "FLK-1" not in client.get(reverse("cmdb:tool_list")).content.decode()
    assert "FLK-1" in client.get(reverse("cmdb:tool_list"), {"all": "1"}).content.decode()


def test_page_form_error_keeps_the_input(client, engineer):
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("cmdb:tool_list"),
        {"name": "U盘", "stores_data": "on", "owner": engineer.pk, "brought_in_on": "2026-10-14"},
    )
    assert response.status_code == 200
    assert "checked when it comes on site" in response.content.decode()
    assert 'value="U盘"' in response.content.decode() and not SiteTool.objects.exists()


def test_api_lists_registers_and_takes_out(api, engineer, end_user):
    api.force_authenticate(end_user)
    assert api.get("/api/site-tools/").status_code == 403
    api.force_authenticate(engineer)
    created = api.post(
        "/api/site-tools/",
        {"name": "U盘", "stores_data": True, "owner": engineer.pk},
        format="json",
    )
    assert created.status_code == 400 and "check_in" in created.json()
    created = api.post(
        "/api/site-tools/",
        {"name": "U盘", "stores_data": True, "owner": engineer.pk, "check_in": "空"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert [t["id"] for t in api.get("/api/site-tools/").json()["results"]] == [pk]
    out = api.post(f"/api/site-tools/{pk}/take-out/", {"check_out": "无数据"}, format="json")
    assert out.status_code == 200 and out.json()["on_site"] is False
    assert api.get("/api/site-tools/").json()["results"] == []
    assert len(api.get("/api/site-tools/", {"all": "1"}).json()["results"]) == 1


def test_list_queries_stay_flat(
    client, engineer, location, make_person, django_assert_max_num_queries
):
    from servicedesk.choices import Role

    client.force_login(engineer)
    tool_register(actor=engineer, name="t0", owner=engineer, location=location)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("cmdb:tool_list"))
    for n in range(12):
        owner = make_person(Role.ENGINEER, username=f"eng{n}")
        tool_register(actor=engineer, name=f"t{n + 1}", owner=owner, location=location,
                      stores_data=bool(n % 2), check_in="空")  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cmdb:tool_list")).status_code == 200
