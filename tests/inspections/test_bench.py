import io

import pytest
from django.core.management import call_command

from cmdb.models import ConfigurationItem
from inspections.models import InspectionPlan

pytestmark = pytest.mark.django_db


def test_bench_times_the_round_page_and_a_record_save_and_leaves_nothing(engineer):
    out = io.StringIO()
    call_command("inspections_bench", devices=30, repeat=2, stdout=out)
    text = out.getvalue()
    assert "Round page (30 devices" in text and "Record save" in text
    assert not InspectionPlan.objects.exists()
    assert not ConfigurationItem.objects.filter(asset_tag__startswith="BENCH-").exists()
