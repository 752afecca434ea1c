"""Which pages the accessibility tests check: every HTML page of the URL configuration.

No hand list: the routes come from the resolver, so a page a later change adds is checked
the day it lands. A route's URL kwargs (numbers, primary keys, actions) are filled from the
links the pages themselves show to each role over the demo data, which is how a user reaches
them too. The one explicit rule on what is left out:

- routes under `admin/` (Django's own admin templates) and `api/` (JSON, and the vendored
  Swagger page), and
- any response that is not a whole HTML document with status 200: downloads (PDF, CSV,
  XLSX, SVG), redirects, POST-only actions (405), htmx fragments (no `<!DOCTYPE html>`),
  and pages a role may not see (403/404), which is how "the roles that see the page" is
  decided.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

SKIPPED_PREFIXES = ("admin/", "api/")
# A route is tried with this many different concrete URLs per role before giving up: the
# first link may point at an object in a state whose page redirects.
ATTEMPTS_PER_ROUTE = 3


@dataclass
class Page:
    route: str
    # role -> (the URL that role reached, names of the templates it rendered)
    seen_by: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    def visits(self) -> list[tuple[str, str]]:
        """(role, url) to check: one role per distinct rendering, since roles that get the
        same templates see the same markup (the navbar's per-role variants are each checked
        on the roles' home pages)."""
        chosen: dict[tuple[str, ...], tuple[str, str]] = {}
        for role, (url, templates) in self.seen_by.items():
            chosen.setdefault(templates, (role, url))
        return list(chosen.values())


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def routes() -> list[str]:
    """Every route of the URL configuration that the rule above does not leave out."""
    return [r for r in _walk(get_resolver().url_patterns) if not r.startswith(SKIPPED_PREFIXES)]


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


_CONVERTER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


def _filled(route: str, kwargs: dict[str, object]) -> str | None:
    """The route with its converters filled from kwargs, or None if one is missing."""
    names = _CONVERTER.findall(route)
    if not names or any(name not in kwargs for name in names):
        return None
    return "/" + _CONVERTER.sub(lambda m: str(kwargs[m.group(1)]), route)


def _fixed_url(route: str) -> str | None:
    """The URL of a route without converters or regex parts, else None."""
    if "<" in route or any(c in route for c in "^$()?*+[]\\"):
        return None
    return "/" + route


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        paths.append(parts.path)
    return paths


def _is_page(response) -> bool:
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not getattr(response, "streaming", False)
        and response.content.lstrip()[:15].lower() == b"<!doctype html>"
    )


def _from_parents(route: str, found: dict[str, list[str]]) -> list[str]:
    """URLs for a route no page links to, with the kwargs of a reached route it extends
    (`changes/<number>/edit/` from `/changes/C-01/`): pages shown only in some states."""
    urls = []
    for parent, parent_urls in found.items():
        if parent != route and route.startswith(parent) and "<" in parent:
            for url in parent_urls:
                filled = _filled(route, resolve(url).kwargs)
                if filled and filled not in urls:
                    urls.append(filled)
    return urls


def discover(users: dict[str, object]) -> tuple[list[Page], dict[str, str]]:
    """Crawl as each role (None = signed out); return the pages and why other routes are not.

    The second value maps each route that yielded no page to the last outcome seen
    (status code or "not linked"), for the report.
    """
    all_routes = set(routes())
    pages: dict[str, Page] = {}
    outcome: dict[str, str] = dict.fromkeys(all_routes, "not linked from any page")
    known: dict[str, list[str]] = {}
    reached: dict[str, list[str]] = {}
    second_pass: set[str] = set()
    tried_routes: dict[str, dict[str, int]] = {}
    tried_urls: dict[str, set[str]] = {}
    for route in sorted(all_routes):
        url = _fixed_url(route)
        if url:
            known[route] = [url]
    for role, user in [*users.items(), *users.items()]:
        if role in second_pass:
            # Round two: routes no link reached, filled from the pages that were reached.
            for route in outcome:
                urls = known.setdefault(route, [])
                urls.extend(url for url in _from_parents(route, reached) if url not in urls)
        second_pass.add(role)
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_login(user)
        attempts = tried_routes.setdefault(role, {})
        visited = tried_urls.setdefault(role, set())
        # Start from every fixed URL and from what the roles before found.
        queue = deque(url for urls in known.values() for url in urls[:ATTEMPTS_PER_ROUTE])
        while queue:
            url = queue.popleft()
            route = route_of(url)
            if route not in all_routes or url in visited:
                continue
            if route in pages and role in pages[route].seen_by:
                continue
            if attempts.get(route, 0) >= ATTEMPTS_PER_ROUTE:
                continue
            attempts[route] = attempts.get(route, 0) + 1
            visited.add(url)
            response = client.get(url)
            if not _is_page(response):
                if route not in pages:
                    kind = response.get("Content-Type", "").split(";")[0]
                    outcome[route] = f"HTTP {response.status_code} {kind}".strip()
                continue
            templates = tuple(sorted({t.name for t in response.templates if t.name}))
            pages.setdefault(route, Page(route)).seen_by[role] = (url, templates)
            outcome.pop(route, None)
            reached.setdefault(route, []).append(url)
            for link in _links(response.content.decode()):
                link_route = route_of(link)
                if link_route not in all_routes:
                    continue
                urls = known.setdefault(link_route, [])
                if link not in urls:
                    urls.append(link)
                queue.append(link)
    return sorted(pages.values(), key=lambda page: page.route), outcome
