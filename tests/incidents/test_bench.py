"""The benchmark command works end to end at a small scale (it is not a timing test)."""

import pytest
from django.core.management import CommandError, call_command

from incidents.choices import OPEN_STATUSES, Status
from incidents.models import WorkOrder, WorkOrderEvent, WorkOrderTerm

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
        "search ",
        "work-order page + panel",
        "file a fault (form)",
        "file a fault (API)",
        "Pareto page, 1 year",
        "SLA scan (steady state)",
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
    # As the issue asks: about 30 % open; assigned and in-progress orders have an
    # engineer; every order is found by the words of its title.
    open_orders = WorkOrder.objects.filter(status__in=OPEN_STATUSES)
    assert 0.15 < open_orders.count() / WorkOrder.objects.count() < 0.45
    assert not open_orders.filter(
        status__in=[Status.ASSIGNED, Status.IN_PROGRESS], assignee__isnull=True
    ).exists()
    sample = WorkOrder.objects.order_by("-pk").first()
    assert WorkOrderTerm.objects.filter(work_order=sample, term=sample.title[:2]).exists()


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
