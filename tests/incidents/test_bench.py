"""The benchmark command works end to end at a small scale (it is not a timing test)."""

import pytest
from django.core.management import CommandError, call_command

from incidents.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("bench", *args, stdout=out)
    return out.getvalue()


def test_bench_seeds_measures_and_cleans_up(settings):
    settings.DEBUG = True
    before = WorkOrder.objects.count()

    output = run("--orders", "200", "--repeat", "2")

    assert "seeded 200 work orders" in output
    assert "database: sqlite" in output or "database: postgresql" in output
    for operation in (
        "staff queue",
        "keyword search",
        "work-order page",
        "file a fault",
        "SLA scan",
    ):
        assert operation in output, output
    assert WorkOrder.objects.count() == before  # removed again without --keep


def test_bench_keeps_rows_when_asked(settings):
    settings.DEBUG = True

    run("--orders", "200", "--repeat", "1", "--keep")

    assert WorkOrder.objects.count() >= 200
    assert WorkOrderEvent.objects.count() >= 400
    numbers = list(WorkOrder.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_bench_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("--orders", "10")


def test_bench_times_rows_seeded_earlier_without_seeding_again(settings):
    settings.DEBUG = True
    run("--orders", "100", "--repeat", "1", "--keep")
    before = WorkOrder.objects.count()

    output = run("--no-seed", "--repeat", "1", "--skip-scan")

    assert "seeded 0" not in output and "work orders in" not in output
    assert "queue tab counts" in output and "best ms" in output
    assert "SLA scan" not in output
    assert WorkOrder.objects.count() == before  # the faults it filed are removed again
