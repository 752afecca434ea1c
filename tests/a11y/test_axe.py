"""Every page meets WCAG 2.1 AA as axe-core checks it, in both languages, at both widths.

The pages come from the URL configuration (pages.py), so a page a later change adds is
checked without anyone listing it here. Each is visited as every role that renders it
differently, in Chinese and English, at 1280 px and at 390 px; any serious or critical
violation fails the test with the page, role, language, width and elements named. The
whole run is written to var/test/a11y/axe-report.json for the record.
"""

import json
import logging
import os
import re
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings as django_settings

from . import axe
from .pages import discover

LANGUAGES = (("zh-hans", "zh-CN"), ("en", "en-US"))
WIDTHS = ((1280, 900), (390, 844))


@contextmanager
def _quiet(logger_name):
    """The crawl meets many 403/404/405 on purpose; their tracebacks are not news."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


_DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""


def _settled(page):
    # htmx fills some parts (the approvals count) after load; check the page as users see it.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def test_every_page_meets_wcag_21_aa_in_both_languages_and_widths(
    chromium_browser, live_server, settings, role_users, browser_login
):
    settings.ITSM = {**settings.ITSM, "BASE_URL": live_server.url}
    started = time.monotonic()
    with _quiet("django.request"):
        pages, skipped = discover(role_users)
    crawled = time.monotonic() - started
    visits = [(page.route, role, url) for page in pages for role, url in page.visits()]
    assert any(route == "" for route, _, _ in visits), "the home page was not found: crawl broken?"
    if os.environ.get("A11Y_ROUTES"):
        # While fixing a page: A11Y_ROUTES=<regex on the route> checks only those.
        visits = [v for v in visits if re.search(os.environ["A11Y_ROUTES"], v[0])]

    failures, report, impacts = [], [], Counter()
    rules = []
    for language, locale in LANGUAGES:
        for role in dict.fromkeys(role for _, role, _ in visits):
            context = chromium_browser.new_context(
                base_url=live_server.url,
                locale=locale,
                viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]},
                bypass_csp=True,  # to inject axe; the policy is tested elsewhere
            )
            context.set_default_timeout(15_000)
            context.add_cookies(
                [
                    {
                        "name": django_settings.LANGUAGE_COOKIE_NAME,
                        "value": language,
                        "url": live_server.url,
                    }
                ]
            )
            if role_users[role] is not None:
                browser_login(context, role_users[role])
            page = context.new_page()
            for route, visit_role, url in visits:
                if visit_role != role:
                    continue
                page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
                response = page.goto(url)
                assert response.ok, f"{url} as {role}: HTTP {response.status}"
                _settled(page)
                assert page.evaluate("document.documentElement.lang") == language
                if not rules:
                    rules = axe.rules_checked(page)
                duplicates = page.evaluate(_DUPLICATE_IDS)
                if duplicates:
                    # axe 4.x no longer reports these under WCAG tags, but a label or
                    # aria-describedby pointing at a doubled id names the wrong control.
                    failures.append(f"{url} as {role}, {language}: duplicate ids {duplicates}")
                for width, height in WIDTHS:
                    page.set_viewport_size({"width": width, "height": height})
                    found = axe.violations(page)
                    where = f"{url} [{route or 'home'}] as {role}, {language}, {width} px"
                    impacts.update(v["impact"] for v in found for _ in v["nodes"])
                    report.append(
                        {"url": url, "route": route, "role": role, "language": language}
                        | {"width": width, "violations": found}
                    )
                    if axe.failing(found):
                        failures.append(axe.describe(where, axe.failing(found)))
            context.close()

    _write_report(
        django_settings.VAR_DIR, rules, pages, visits, skipped, report, impacts, crawled, started
    )
    assert not failures, f"{len(failures)} page runs with serious/critical violations:\n" + (
        "\n".join(failures)
    )


def _write_report(out, rules, pages, visits, skipped, report, impacts, crawled, started):
    path = Path(out) / "a11y" / "axe-report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        "axe": "4.14.1",
        "tags": axe.WCAG_TAGS,
        "rules_checked": rules,
        "routes_covered": [page.route for page in pages],
        "visits": [{"route": r, "role": role, "url": u} for r, role, u in visits],
        "page_runs": len(report),
        "violating_elements_by_impact": dict(impacts),
        "routes_not_pages": skipped,
        "seconds": {"crawl": round(crawled), "total": round(time.monotonic() - started)},
        "runs": report,
    }
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    print(
        f"\naxe: {len(rules)} rules, {len(pages)} routes, {len(visits)} role visits, "
        f"{len(report)} page runs, elements by impact {dict(impacts)}, "
        f"crawl {crawled:.0f}s, total {time.monotonic() - started:.0f}s -> {path}"
    )
