"""Issue 16, done-when: at 390 px no staff page is wider than the screen, and no table on it
either. A crawler over the demo office as the service supervisor (the widest staff view):
from the home page it follows same-site links, one page per URL pattern, and measures
each page in Chromium.

Set ITSM_PHONE_CRAWL_LIMIT to visit more or fewer patterns (default 60)."""

import os
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from itsm.discovery import apps_with

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = int(os.environ.get("ITSM_PHONE_CRAWL_LIMIT", "60"))
# Not pages: sign-out, downloads, the admin (Django's own), the API and htmx partials.
SKIP_PREFIXES = ("/admin/", "/api/", "/accounts/logout", "/logout", "/i18n/", "/static/", "/media/")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".svg", ".png", ".zip", ".json")

MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const table of document.querySelectorAll('table')) {
    const box = table.getBoundingClientRect();
    if (box.width > width + 1 && table.offsetParent !== null) {
      const head = table.querySelector('th');
      wide.push(Math.round(box.width) + 'px ' + (head ? head.innerText.trim() : ''));
    }
  }
  return {page: document.documentElement.scrollWidth - width, wide: wide};
}"""


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


@pytest.fixture
def demo_office(migration_seed_data):
    for app in apps_with("demo"):
        import_module(f"{app}.demo").seed(password="Demo@2026-x")


def test_no_staff_page_or_table_is_wider_than_a_phone(phone_context, browser_login, demo_office):
    from django.contrib.auth import get_user_model

    supervisor = get_user_model().objects.get(username="supervisor")
    browser_login(phone_context, supervisor)
    page = phone_context.new_page()
    queue, seen, problems = ["/"], set(), []
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        pattern = _pattern(path.split("?")[0])
        if pattern is None or pattern in seen:
            continue
        seen.add(pattern)
        try:
            response = page.goto(path)
        except PlaywrightError:  # a download (CSV export…), not a page
            continue
        if (
            response is None
            or response.status != 200
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        page.wait_for_load_state("networkidle")
        found = page.evaluate(MEASURE)
        if found["page"] > 0:
            problems.append(f"{path}: the page is {found['page']}px wider than the screen")
        elif found["wide"]:
            # Sideways scrolling inside a card is no phone layout: lists turn their rows
            # into cards (table.table-cards in static/itsm/site.css).
            problems.append(f"{path}: tables wider than the screen {found['wide']}")
        queue.extend(_links(page))
    assert len(seen) >= 20, sorted(seen)  # the crawl reached the staff pages
    assert not problems, "\n".join(problems)
