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
import threading
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


# Browsers checking pages side by side: the live server renders for one while axe runs in
# the other. Each worker thread has its own Playwright (its API is per thread).
WORKERS = int(os.environ.get("A11Y_WORKERS", min(2, os.cpu_count() or 1)))


def _session_cookies(live_server, users) -> dict[str, list[dict]]:
    """Each role's session cookie, made here in the test's thread (the database's)."""
    from django.test import Client

    cookies = {}
    for role, user in users.items():
        cookies[role] = []
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
            cookies[role].append(
                {"name": cookie.key, "value": cookie.value, "url": live_server.url}
            )
    return cookies


def _check(base_url, jobs, cookies, out):
    """One worker: for each (language, role, visits) a browser profile, each page at both widths."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for language, locale, role, visits in jobs:
            context = browser.new_context(
                base_url=base_url,
                locale=locale,
                viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]},
                bypass_csp=True,  # to inject axe; the policy is tested elsewhere
            )
            context.set_default_timeout(30_000)
            language_cookie = {
                "name": django_settings.LANGUAGE_COOKIE_NAME,
                "value": language,
                "url": base_url,
            }
            context.add_cookies([language_cookie, *cookies[role]])
            page = context.new_page()
            for route, url in visits:
                page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
                response = page.goto(url)
                where = f"{url} [{route or 'home'}] as {role}, {language}"
                if not response.ok:
                    out["failures"].append(f"{where}: HTTP {response.status}")
                    continue
                _settled(page)
                if page.evaluate("document.documentElement.lang") != language:
                    out["failures"].append(f"{where}: <html lang> is not {language}")
                if not out["rules"]:
                    out["rules"] = axe.rules_checked(page)
                duplicates = page.evaluate(_DUPLICATE_IDS)
                if duplicates:
                    # axe 4.x no longer reports these under WCAG tags, but a label or
                    # aria-describedby pointing at a doubled id names the wrong control.
                    out["failures"].append(f"{where}: duplicate ids {duplicates}")
                for width, height in WIDTHS:
                    page.set_viewport_size({"width": width, "height": height})
                    found = axe.violations(page)
                    out["report"].append(
                        {"url": url, "route": route, "role": role, "language": language}
                        | {"width": width, "violations": found}
                    )
                    if axe.failing(found):
                        out["failures"].append(
                            axe.describe(f"{where}, {width} px", axe.failing(found))
                        )
            context.close()
        browser.close()


def test_every_page_meets_wcag_21_aa_in_both_languages_and_widths(
    chromium_browser, live_server, settings, role_users
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

    # One job per language and role (one browser profile each), shared out by size.
    jobs = []
    for language, locale in LANGUAGES:
        for role in dict.fromkeys(role for _, role, _ in visits):
            mine = [(route, url) for route, visit_role, url in visits if visit_role == role]
            jobs.append((language, locale, role, mine))
    shares = [[] for _ in range(max(1, WORKERS))]
    for job in sorted(jobs, key=lambda job: -len(job[3])):
        min(shares, key=lambda share: sum(len(j[3]) for j in share)).append(job)
    cookies = _session_cookies(live_server, role_users)
    outs = [{"failures": [], "report": [], "rules": []} for _ in shares]
    errors = []

    def run(share, out):
        try:
            _check(live_server.url, share, cookies, out)
        except Exception as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(shares, outs, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]

    failures = [f for out in outs for f in out["failures"]]
    report = [r for out in outs for r in out["report"]]
    rules = next((out["rules"] for out in outs if out["rules"]), [])
    impacts = Counter(v["impact"] for run in report for v in run["violations"] for _ in v["nodes"])
    _write_report(
        django_settings.VAR_DIR, rules, pages, visits, skipped, report, impacts, crawled, started
    )
    assert len(report) == len(visits) * len(LANGUAGES) * len(WIDTHS) or failures
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
