"""The demo customer, loaded once per test, and one signed-in user per role."""

from importlib import import_module

import pytest

from itsm.discovery import apps_with
from servicedesk.choices import Role

DEMO_PASSWORD = "Demo-a11y-2026"  # noqa: S105  (test data only)


@pytest.fixture
def demo_data(migration_seed_data):
    """Every app's demo data, as `make run` loads it: each page then has rows to show."""
    for app in apps_with("demo"):
        import_module(f"{app}.demo").seed(password=DEMO_PASSWORD)


@pytest.fixture
def role_users(demo_data):
    """Role -> a demo user holding it (None: signed out), in the order the crawl uses."""
    from django.contrib.auth import get_user_model

    users: dict[str, object] = {"anonymous": None}
    for role in Role:
        user = (
            get_user_model()
            .objects.filter(groups__name=role.value, is_active=True)
            .order_by("username")
            .first()
        )
        if user is not None:
            users[role.value] = user
    return users
