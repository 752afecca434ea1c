"""The inspection's software census feeds the CMDB's installations (issue 18, item 13)."""

import pytest

from cmdb.choices import InstallationSource
from cmdb.models import SoftwareInstallation, SoftwareLicence, SoftwareProduct
from inspections import services
from inspections.choices import DiscrepancyStatus

from .conftest import all_pass

pytestmark = pytest.mark.django_db


def test_census_records_installations_once_and_a_resend_changes_nothing(
    approved_plan, engineer, devices
):
    office = SoftwareProduct.objects.create(name="Microsoft Office 2019", aliases="Office 2019")
    SoftwareLicence.objects.create(product=office, reference="VL-1", seats=1)
    route = approved_plan.rounds.get()
    ci = devices[0]
    observed = services.Observed(software=["office 2019", "WPS Office", "  "])
    record = services.record_save(
        round=route, ci=ci, actor=engineer, lines=all_pass(ci), observed=observed, client_id="c1"
    )
    again = services.record_save(
        round=route, ci=ci, actor=engineer, lines=all_pass(ci), observed=observed, client_id="c1"
    )
    assert again.pk == record.pk
    rows = {i.product.name: i for i in SoftwareInstallation.objects.filter(ci=ci)}
    assert set(rows) == {"Microsoft Office 2019", "WPS Office"}  # matched by alias; new title
    office_row = rows["Microsoft Office 2019"]
    assert office_row.source == InstallationSource.INSPECTION
    assert office_row.reference == record.number
    assert office_row.licence.reference == "VL-1"  # the free seat was taken
    assert rows["WPS Office"].licence is None
    # The next device finds the only seat taken: unlicensed, not over the licence.
    other = devices[1]
    services.record_save(
        round=route,
        ci=other,
        actor=engineer,
        lines=all_pass(other),
        observed=services.Observed(software=["Office 2019"]),
    )
    assert SoftwareInstallation.objects.get(ci=other).licence is None
    assert SoftwareInstallation.objects.filter(product=office).count() == 2


def test_software_list_compares_with_installations_and_accepting_matches_them(
    approved_plan, engineer, supervisor, devices
):
    route = approved_plan.rounds.get()
    ci = devices[0]
    from cmdb.services.software import installations_record

    installations_record(
        actor=engineer, ci=ci, titles=["Old Tool", "WPS Office"], source=InstallationSource.MANUAL
    )
    assert services.software_list(ci) == ["Old Tool", "WPS Office"]
    record = services.record_save(
        round=route,
        ci=ci,
        actor=engineer,
        lines=all_pass(ci),
        observed=services.Observed(software=["WPS Office", "7-Zip"]),
    )
    discrepancy = record.discrepancies.get(field="software")
    services.discrepancy_decide(discrepancy=discrepancy, actor=supervisor, accept=True)
    discrepancy.refresh_from_db()
    assert discrepancy.status == DiscrepancyStatus.ACCEPTED
    assert sorted(
        SoftwareInstallation.objects.filter(ci=ci).values_list("product__name", flat=True)
    ) == [
        "7-Zip",
        "WPS Office",
    ]
