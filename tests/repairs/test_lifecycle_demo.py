"""The lifecycle demo: an extended warranty on the returned repair's device, ageing
candidates (one proposed), spare consumption with a part below its minimum, tools on site;
loaded once."""

import pytest
from django.core.management import call_command

from cmdb.ageing import candidates
from cmdb.models import ReplacementProposal, Requisition, SiteTool, WarrantyExtension
from cmdb.spare_demand import spare_demand

pytestmark = pytest.mark.django_db


def test_demo_seeds_the_lifecycle_once(calendar_2026, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    extension = WarrantyExtension.objects.get()
    assert (
        extension.source.status == "returned" and extension.item.warranty_end == extension.new_end
    )
    rows = candidates()
    assert any(r.too_old for r in rows) and any(r.many_faults for r in rows)
    assert ReplacementProposal.objects.get().item.asset_tag == "PC-0005"
    demand = spare_demand()
    assert [row.part.name for row in demand.below_minimum] == ["硒鼓"]
    assert next(r for r in demand.rows if r.part.name == "硒鼓").consumed > 0
    assert SiteTool.objects.filter(taken_out_on__isnull=True).count() == 3
    counts = (Requisition.objects.count(), SiteTool.objects.count(), len(rows))
    call_command("seed_demo", verbosity=0)
    assert WarrantyExtension.objects.count() == 1
    assert (Requisition.objects.count(), SiteTool.objects.count(), len(candidates())) == counts
