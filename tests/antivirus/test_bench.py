import io

import pytest
from django.core.management import call_command

from antivirus.models import ConsoleImport, Endpoint, VirusEvent
from cmdb.models import ConfigurationItem

pytestmark = pytest.mark.django_db


def test_bench_prints_import_and_coverage_figures_and_keeps_nothing(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("antivirus_bench", events=300, endpoints=120, segments=4, runs=1, stdout=out)
    text = out.getvalue()
    assert "import of 300 events" in text and "300 added" in text
    assert "coverage page:" in text and "queries" in text
    assert not ConfigurationItem.objects.filter(asset_tag__startswith="BENCH-AV-").exists()
    assert not (
        ConsoleImport.objects.exists() or VirusEvent.objects.exists() or Endpoint.objects.exists()
    )


def test_bench_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("antivirus_bench", events=10, endpoints=5, segments=1, runs=1)
