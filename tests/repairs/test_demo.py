import pytest

from repairs.models import BlacklistApplication, Nonconformance, RepairOrder, Vendor

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_month_with_three_nonconformances_and_is_idempotent(calendar_2026, settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert Vendor.objects.count() == 4
    assert RepairOrder.objects.count() == 3
    assert Nonconformance.objects.count() == 3
    application = BlacklistApplication.objects.get()
    assert application.status == "submitted" and application.nonconformance_count == 3
    call_command("seed_demo", verbosity=0)
    assert RepairOrder.objects.count() == 3 and Vendor.objects.count() == 4
