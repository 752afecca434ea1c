"""One fixture per role; each is a logged-in-able user with a profile in the demo shape."""

import pytest
from django.contrib.auth.models import Group

from servicedesk.choices import Role
from servicedesk.models import Building, Department, Location, ServiceLevel
from servicedesk.services import person_create

PASSWORD = "Correct-Horse-9"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: memoised calendar and levels die with its rollback."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in another one (LocaleMiddleware
    activates it for the thread) must not decide the wording of the next test's mail."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def department(db):
    return Department.objects.create(name="财务处", code="finance")


@pytest.fixture
def location(db):
    building = Building.objects.create(name="机关办公楼")
    return Location.objects.create(building=building, floor="3", room="301")


@pytest.fixture
def make_person(db, department, location):
    counter = {"n": 0}

    def make(role=Role.END_USER, *, username=None, name=None, **profile):
        counter["n"] += 1
        username = username or f"{role}{counter['n']}"
        profile.setdefault("department", department)
        profile.setdefault("location", location)
        person = person_create(
            username=username,
            name=name or f"用户{counter['n']}",
            email=f"{username}@example.gov.cn",
            password=PASSWORD,
            roles=(role,),
            **profile,
        )
        return person.user

    return make


@pytest.fixture
def end_user(make_person):
    return make_person(Role.END_USER, username="enduser", name="王芳")


@pytest.fixture
def agent(make_person):
    return make_person(Role.SERVICE_DESK, username="agent", name="李静")


@pytest.fixture
def engineer(make_person):
    return make_person(Role.ENGINEER, username="engineer", name="张伟")


@pytest.fixture
def supervisor(make_person):
    return make_person(Role.SUPERVISOR, username="supervisor", name="陈刚")


@pytest.fixture
def approver(make_person):
    return make_person(Role.APPROVER, username="approver", name="赵敏")


@pytest.fixture
def manager(make_person):
    return make_person(Role.MANAGER, username="manager", name="周军")


@pytest.fixture
def admin_user(make_person):
    user = make_person(Role.ADMIN, username="admin", name="系统管理员")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def vip_level(db):
    return ServiceLevel.objects.get(code="vip")


@pytest.fixture
def roles_exist(db):
    return {group.name for group in Group.objects.all()}


# --- browser tests ----------------------------------------------------------------------
# Headless Debian Chromium driven by Playwright against pytest-django's live server.
# CI installs `chromium` (.ci/run); on a machine without it the browser tests skip, except
# under CI, where a missing browser fails them.

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium_browser():
    import os
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"browser tests need {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test code beside it
    # still touches the database synchronously, which Django allows only when told.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


# The migrations' reference data, re-run (each seed is idempotent). A transactional test
# (the live server needs one) empties every table when it ends, so the next one would find
# no service levels, SLA policies, CI classes or form codes; serialized_rollback instead
# collides with the role groups that the flush's post_migrate creates again.
MIGRATION_SEEDS = (
    ("servicedesk.migrations.0002_seed_reference_data", "seed"),
    ("servicedesk.migrations.0004_seed_categories", "seed"),
    ("itsm.migrations.0002_form_codes", "seed"),
    ("incidents.migrations.0002_seed_sla_policies", "seed"),
    ("cmdb.migrations.0002_seed_classes", "seed"),
    ("cmdb.migrations.0005_service_outages_and_windows", "set_windows"),
    ("changes.migrations.0002_form_code_and_cab", "seed"),
    ("changes.migrations.0004_release_form_code_and_approvers", "seed"),
    ("antivirus.migrations.0002_default_profiles", "create"),
    ("servicedesk.migrations.0010_service_commitment", "seed"),
    ("inspections.migrations.0002_facility_checks_and_backups", "seed_lightning_schedule"),
    ("servicedesk.migrations.0011_category_system_fault", "flag_system_faults"),
)


@pytest.fixture
def migration_seed_data(transactional_db):
    from importlib import import_module

    from django.apps import apps

    for module, function in MIGRATION_SEEDS:
        getattr(import_module(module), function)(apps, None)


def _settle(context) -> None:
    """Let requests a page started on load (htmx counts, the inbox badge) finish before the
    test's database is flushed: a live-server thread still inside a request holds table
    locks that deadlock PostgreSQL's TRUNCATE."""
    import contextlib

    for page in context.pages:
        # A page that never settles is closed anyway.
        with contextlib.suppress(Exception):
            page.wait_for_load_state("networkidle", timeout=5_000)


@pytest.fixture
def browser_context(chromium_browser, live_server, settings, migration_seed_data):
    """A fresh browser profile (Chinese, 1280 px); `browser_login(user)` signs a user in."""
    settings.ITSM = {**settings.ITSM, "BASE_URL": live_server.url}
    context = chromium_browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 1280, "height": 900},
        # Playwright's string predicates (wait_for_function) run through eval, which the
        # pages' CSP forbids; the policy itself is tested in tests/itsm/test_security_headers.
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    yield context
    _settle(context)
    context.close()


@pytest.fixture
def phone_context(chromium_browser, live_server, migration_seed_data):
    """A 390 px phone profile with touch, Chinese."""
    context = chromium_browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    yield context
    _settle(context)
    context.close()


@pytest.fixture
def browser_login(live_server):
    """browser_login(context, user): the context's pages are now signed in as `user`."""
    from django.conf import settings as django_settings
    from django.test import Client

    def login(context, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context

    return login
