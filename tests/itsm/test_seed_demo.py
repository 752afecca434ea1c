import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from servicedesk.models import Person

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Person.objects.count())
    call_command("seed_demo")
    assert (get_user_model().objects.count(), Person.objects.count()) == counts
    for username in ("enduser", "agent", "engineer", "supervisor", "approver", "manager", "admin"):
        user = get_user_model().objects.get(username=username)
        assert user.check_password("Demo@2026")
        assert user.groups.exists()
