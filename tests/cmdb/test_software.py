"""Software per device and licence compliance (issue 18, item 13; plan §3.3.4.1, §3.3.4.3)."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from cmdb.census_report import final_asset_list_xlsx
from cmdb.choices import CIStatus, ImportMode, InstallationSource
from cmdb.models import ConfigurationItem, SoftwareInstallation, SoftwareLicence, SoftwareProduct
from cmdb.services.imports import import_apply, import_preview, import_upload
from cmdb.services.software import (
    installation_remove,
    installation_set_licence,
    installations_record,
    parse_titles,
)
from cmdb.software import software_compliance, unlicensed_installations
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db
MANUAL = InstallationSource.MANUAL


@pytest.fixture
def office(db):
    return SoftwareProduct.objects.create(name="Office 2019", aliases="Microsoft Office 2019")


def _install(cis, product, licence=None):
    for ci in cis:
        SoftwareInstallation.objects.create(ci=ci, product=product, licence=licence, source=MANUAL)


def _row(rows, product):
    return next(r for r in rows if r.product == product)


def test_compliance_counts_seats_of_valid_licences_against_counted_installs(
    make_ci, office, engineer
):
    today = timezone.localdate()
    five = SoftwareLicence.objects.create(product=office, reference="A", seats=3)
    SoftwareLicence.objects.create(product=office, reference="B", seats=2)
    expired = SoftwareLicence.objects.create(
        product=office, reference="OLD", seats=10, expires_on=today - timedelta(days=1)
    )
    in_use = [make_ci() for _ in range(6)]
    retired = make_ci(status=CIStatus.RETIRED)
    _install(in_use[:3], office, five)
    _install(in_use[3:4], office, expired)  # an expired licence covers nothing
    _install(in_use[4:], office)
    _install([retired], office)  # a retired item frees its seat
    free = SoftwareProduct.objects.create(name="7-Zip", requires_licence=False)
    _install(in_use, free)
    site = SoftwareProduct.objects.create(name="WPS")
    SoftwareLicence.objects.create(product=site, reference="SITE", seats=None)
    _install(in_use, site)

    rows = software_compliance(user=engineer)
    row = _row(rows, office)
    assert (row.installed, row.owned, row.unlicensed) == (6, 5, 3)
    assert row.over_deployed and row.shortfall == 1
    assert (_row(rows, free).owned, _row(rows, free).unlicensed) == (None, 0)
    assert not _row(rows, free).over_deployed
    assert _row(rows, site).owned is None and not _row(rows, site).over_deployed
    assert _row(rows, site).unlicensed == 0  # a site licence covers installs not assigned to it
    assert [r.product for r in software_compliance(user=engineer, over_only=True)] == [office]
    assert unlicensed_installations(user=engineer).count() == 3


def test_compliance_is_refused_to_who_may_not_see_software(end_user, office):
    assert software_compliance(user=end_user) == []


def test_recording_is_idempotent_and_never_moves_last_seen_back(make_ci, office, engineer):
    ci = make_ci()
    now = timezone.now()
    first = installations_record(
        actor=engineer, ci=ci, titles=["office 2019", "Office  2019"], source=MANUAL, seen_at=now
    )
    assert len(first) == 1
    installations_record(
        actor=engineer,
        ci=ci,
        titles=["Microsoft Office 2019"],
        source=InstallationSource.IMPORT,
        reference="import 9",
        seen_at=now - timedelta(days=3),
    )
    row = SoftwareInstallation.objects.get(ci=ci)
    assert row.last_seen == now and row.source == MANUAL
    assert SoftwareProduct.objects.count() == 1
    assert parse_titles("A；B;a\n\nC") == ["A", "B", "C"]


def test_end_user_may_not_record_or_remove_software(make_ci, office, end_user, engineer):
    ci = make_ci()
    with pytest.raises(PermissionDenied):
        installations_record(actor=end_user, ci=ci, titles=["X"], source=MANUAL)
    [row] = installations_record(actor=engineer, ci=ci, titles=["X"], source=MANUAL)
    with pytest.raises(PermissionDenied):
        installation_remove(actor=end_user, installation=row)
    installation_remove(actor=engineer, installation=row)
    assert not SoftwareInstallation.objects.exists()


def test_a_licence_is_refused_when_full_expired_or_of_another_product(make_ci, office, engineer):
    one = SoftwareLicence.objects.create(product=office, reference="ONE", seats=1)
    a, b = make_ci(), make_ci()
    [first] = installations_record(actor=engineer, ci=a, titles=["Office 2019"], source=MANUAL)
    [second] = installations_record(actor=engineer, ci=b, titles=["Office 2019"], source=MANUAL)
    assert first.licence == one and second.licence is None
    with translation.override("en"), pytest.raises(ValidationError, match="seats"):
        installation_set_licence(actor=engineer, installation=second, licence=one)
    other = SoftwareLicence.objects.create(
        product=SoftwareProduct.objects.create(name="Other"), reference="X"
    )
    with translation.override("en"), pytest.raises(ValidationError, match="another product"):
        installation_set_licence(actor=engineer, installation=second, licence=other)
    old = SoftwareLicence.objects.create(
        product=office, reference="OLD", expires_on=timezone.localdate() - timedelta(days=1)
    )
    with translation.override("en"), pytest.raises(ValidationError, match="expired"):
        installation_set_licence(actor=engineer, installation=second, licence=old)
    installation_set_licence(actor=engineer, installation=first, licence=None)
    installation_set_licence(actor=engineer, installation=second, licence=one)
    assert SoftwareInstallation.objects.get(pk=second.pk).licence == one


def test_import_software_column_records_installations_and_reimport_is_unchanged(make_ci, engineer):
    make_ci(asset_tag="PC-9001")
    content = "资产编号,安装软件\nPC-9001,WPS Office；7-Zip\n".encode()
    batch = import_upload(actor=engineer, name="a.csv", content=content)
    batch = import_preview(actor=engineer, batch=batch, mapping=batch.mapping)
    assert batch.plan["counts"]["update"] == 1
    import_apply(actor=engineer, batch=batch, mode=ImportMode.ALL_OR_NOTHING)
    rows = SoftwareInstallation.objects.filter(ci__asset_tag="PC-9001")
    assert sorted(rows.values_list("product__name", flat=True)) == ["7-Zip", "WPS Office"]
    assert {r.source for r in rows} == {InstallationSource.IMPORT}
    again = import_upload(actor=engineer, name="a.csv", content=content)
    again = import_preview(actor=engineer, batch=again, mapping=again.mapping)
    assert again.plan["counts"]["unchanged"] == 1


def test_final_asset_list_has_hardware_software_licences_media_and_manuals(make_ci, office):
    SoftwareLicence.objects.create(
        product=office, reference="VL-7", seats=5, media_location="柜A", manual_location="柜B"
    )
    ci = make_ci(serial_number="SN-1", attributes={"cpu": "i5"})
    installations_record(actor=SYSTEM(), ci=ci, titles=["Office 2019", "Foo"], source=MANUAL)
    target = io.BytesIO()
    with translation.override("en"):
        final_asset_list_xlsx(target, ConfigurationItem.objects.all(), {ci.pk: "Found"})
    rows = list(load_workbook(io.BytesIO(target.getvalue())).active.values)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Serial number"] == "SN-1" and row["CPU"] == "i5"
    assert row["Installed software"] == "Foo; Office 2019"
    assert "Office 2019: VL-7" in row["Licences"] and "Foo: no licence" in row["Licences"]
    assert "柜A" in row["Media and manuals"] and "柜B" in row["Media and manuals"]
    assert row["Census result"] == "Found"


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Over-deployed by 1"), ("zh-hans", "超配 1")]
)
def test_compliance_page_shows_over_deployment_in_red(
    client, engineer, make_ci, office, language, words
):
    SoftwareLicence.objects.create(product=office, reference="L", seats=1)
    _install([make_ci(), make_ci()], office)
    client.force_login(engineer)
    page = client.get(reverse("cmdb:software_compliance"), HTTP_ACCEPT_LANGUAGE=language)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'class="table-danger"' in body and words in body


def test_compliance_page_queries_stay_flat_and_end_users_are_refused(
    client, engineer, end_user, make_ci, django_assert_max_num_queries
):
    client.force_login(engineer)

    def add(n):
        for i in range(n):
            product = SoftwareProduct.objects.create(name=f"P{SoftwareProduct.objects.count()}")
            SoftwareLicence.objects.create(product=product, reference=f"L{i}", seats=1)
            _install([make_ci(), make_ci()], product)

    add(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("cmdb:software_compliance")).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cmdb:software_compliance"))
    client.force_login(end_user)
    assert client.get(reverse("cmdb:software_compliance")).status_code == 403


def test_ci_page_lists_its_software_for_staff_only(client, engineer, end_user, make_ci, office):
    ci = make_ci(responsible=end_user)
    client.force_login(engineer)
    client.post(reverse("cmdb:ci_software_record", args=[ci.pk]), {"titles": "Office 2019\n<b>x"})
    page = client.get(ci.get_absolute_url()).content.decode()
    assert "Office 2019" in page and "&lt;b&gt;x" in page and "<b>x" not in page
    client.force_login(end_user)
    assert "software-titles" not in client.get(ci.get_absolute_url()).content.decode()
    row = SoftwareInstallation.objects.first()
    response = client.post(reverse("cmdb:installation_remove", args=[row.pk]))
    assert response.status_code in (403, 404)


def test_api_lists_compliance_and_hides_licence_keys_from_engineers(
    engineer, supervisor, make_ci, office
):
    licence = SoftwareLicence.objects.create(
        product=office, reference="L", seats=1, licence_key="SECRET"
    )
    first = make_ci()
    _install([first], office, licence)
    _install([make_ci()], office)
    api = APIClient()
    api.force_authenticate(engineer)
    [row] = api.get("/api/software-compliance/").json()["results"]
    assert row["over_deployed"] and (row["installed"], row["owned"]) == (2, 1)
    assert api.get("/api/software-licences/").json()["results"][0]["licence_key"] is None
    mine = api.get("/api/software-installations/", {"ci": first.pk}).json()["results"]
    assert [i["licence"] for i in mine] == [licence.pk]
    api.force_authenticate(supervisor)
    assert api.get("/api/software-licences/").json()["results"][0]["licence_key"] == "SECRET"
    assert api.get("/api/software-licences/").json()["results"][0]["used"] == 1


def test_ci_page_assigns_a_licence_and_refuses_a_full_one(client, engineer, make_ci, office):
    one = SoftwareLicence.objects.create(product=office, reference="ONE-SEAT", seats=1)
    a, b = make_ci(), make_ci()
    _install([a], office, one)
    _install([b], office)
    row = SoftwareInstallation.objects.get(ci=b)
    client.force_login(engineer)
    page = client.get(b.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ONE-SEAT" in page  # offered
    url = reverse("cmdb:installation_licence", args=[row.pk])
    response = client.post(url, {"licence": one.pk}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "seats of this licence are in use" in response.content.decode()
    SoftwareInstallation.objects.filter(ci=a).delete()
    client.post(url, {"licence": one.pk})
    row.refresh_from_db()
    assert row.licence == one
