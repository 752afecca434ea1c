import io

import pytest
from django.core.management import call_command

from changes.models import ChangeRequest

pytestmark = pytest.mark.django_db


def test_bench_changes_times_the_conflict_query_and_leaves_nothing_behind():
    out = io.StringIO()
    call_command("bench_changes", changes=60, items=20, runs=1, stdout=out)
    text = out.getvalue()
    assert "Conflict query:" in text and "ms" in text
    assert not ChangeRequest.objects.exists()


def test_bench_changes_times_the_pages_of_a_change_on_the_bench_hubs(settings):
    from cmdb.choices import RelationshipType
    from cmdb.models import CIClass, CIRelationship, ConfigurationItem

    desktop = CIClass.objects.get(code="desktop")
    hub, other, leaf = (
        ConfigurationItem.objects.create(asset_tag=tag, name=tag, ci_class=desktop)
        for tag in ("BENCH-000000", "BENCH-000001", "BENCH-000002")
    )
    CIRelationship.objects.create(source=leaf, target=hub, type=RelationshipType.DEPENDS_ON)
    out = io.StringIO()
    call_command("bench_changes", changes=5, items=3, runs=1, hubs=2, stdout=out)
    text = out.getvalue()
    assert "Change on 2 hubs: 1 dependent items" in text
    assert "Change page on 2 hubs" in text and "Release page on 2 hubs" in text
    assert text.count("status [200]") == 2
    assert not ChangeRequest.objects.exists()
