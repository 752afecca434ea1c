"""The software and responsible-person pages fit a 390 px phone (table-cards), with demo data:
the staff crawl (tests/itsm/test_browser_staff_pages_phone.py) stops after 60 patterns."""

from importlib import import_module

import pytest

from itsm.discovery import apps_with
from tests.itsm.test_browser_staff_pages_phone import MEASURE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_office(migration_seed_data):
    for app in apps_with("demo"):
        import_module(f"{app}.demo").seed(password="Demo@2026-x")


def test_software_and_rule_pages_are_no_wider_than_a_phone(
    phone_context, browser_login, demo_office
):
    from django.contrib.auth import get_user_model

    from cmdb.models import SoftwareInstallation

    supervisor = get_user_model().objects.get(username="supervisor")
    browser_login(phone_context, supervisor)
    page = phone_context.new_page()
    ci = SoftwareInstallation.objects.filter(licence__isnull=True).first().ci
    problems = []
    for path in (
        "/cmdb/software/",
        "/cmdb/responsible/",
        "/cmdb/responsible/apply/",
        f"/cmdb/items/{ci.pk}/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        found = page.evaluate(MEASURE)
        if found["page"] > 0 or found["wide"]:
            problems.append(f"{path}: {found}")
    assert not problems, "\n".join(problems)
