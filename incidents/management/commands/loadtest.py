"""Concurrent use of a running server: desk agents reading, end users filing faults.

Run against the production stack (gunicorn, PostgreSQL, Redis) on this machine:

    manage.py loadtest --url http://127.0.0.1:8000 --agents 50 --end-users 10 --duration 60

It shares the server's settings (DATABASE_URL, CACHE_URL) to prepare its users and their
sessions directly (no password logins, which axes would count), then runs one asyncio
task per user: an agent opens the queue, a work order and, when the page did not hold it
already (a cached answer is drawn in place), that order's knowledge panel in turn; an end user opens the fault form and files a fault. Each request is timed from
connecting to the last byte; the report gives throughput and p50/p95/p99 per operation,
and every answer that is not the expected status counts as an error.

Bounded on purpose: loopback addresses only, at most 600 s and 500 users. A closed loop
with no think time by default, so the figures are the stack's capacity, not a model of
office traffic.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import statistics
import time
import uuid
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from incidents.choices import OPEN_STATUSES
from incidents.models import WorkOrder
from servicedesk.choices import Role
from servicedesk.models import Category, Department
from servicedesk.services import person_create

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_SECONDS = 600
MAX_USERS = 500


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--agents", type=int, default=50)
        parser.add_argument("--end-users", type=int, default=10)
        parser.add_argument("--duration", type=float, default=60.0)
        parser.add_argument(
            "--think", type=float, default=0.0, help="Seconds each user waits between requests."
        )
        parser.add_argument(
            "--https-proxy-header",
            action="store_true",
            help="Send X-Forwarded-Proto: https (a server run with BEHIND_TLS_PROXY=1).",
        )

    def handle(self, *args, url, agents, end_users, duration, think, https_proxy_header, **opts):
        target = urlsplit(url)
        if target.scheme != "http" or target.hostname not in LOOPBACK:
            raise CommandError("loadtest only runs against http on this machine (loopback).")
        if not 0 < duration <= MAX_SECONDS or not 0 < agents + end_users <= MAX_USERS:
            raise CommandError(f"at most {MAX_SECONDS} s and {MAX_USERS} users")
        numbers = list(
            WorkOrder.objects.filter(status__in=OPEN_STATUSES)
            .order_by("?")
            .values_list("number", "title")[:1000]
        )
        if not numbers:
            raise CommandError("no open work orders: seed some first (manage.py bench --keep)")
        category = Category.objects.filter(level="fault_type", is_active=True).first()
        plan = Plan(
            host=target.hostname,
            port=target.port or 80,
            proxy_https=https_proxy_header,
            think=think,
            numbers=numbers,
            category_id=category.pk if category else None,
        )
        desk = [_session(user) for user in _users("load-agent", agents, Role.SERVICE_DESK)]
        reporters = [_session(user) for user in _users("load-user", end_users, Role.END_USER)]
        self.stdout.write(
            f"{len(desk)} agents and {len(reporters)} end users against {url} for {duration:.0f} s"
        )
        results = asyncio.run(plan.run(desk, reporters, duration))
        self._report(results, duration)

    def _report(self, results: dict[str, list], duration: float):
        total = sum(len(samples) for samples in results.values())
        errors = sum(1 for samples in results.values() for _, ok, _ in samples if not ok)
        self.stdout.write(
            f"{total} requests in {duration:.0f} s: {total / duration:.1f} per second, "
            f"{errors} errors"
        )
        self.stdout.write(
            f"{'operation':<22} {'count':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8}"
        )
        for name, samples in results.items():
            times = sorted(elapsed for elapsed, _, _ in samples)
            if not times:
                continue
            failed = [detail for _, ok, detail in samples if not ok]
            self.stdout.write(
                f"{name:<22} {len(times):>7} {len(failed):>7} {_pct(times, 50):>8.0f} "
                f"{_pct(times, 95):>8.0f} {_pct(times, 99):>8.0f} {times[-1]:>8.0f}"
            )
            for detail in sorted(set(failed))[:5]:
                self.stdout.write(f"    error: {detail}")
        all_times = sorted(e for samples in results.values() for e, _, _ in samples)
        if all_times:
            self.stdout.write(
                f"{'all':<22} {len(all_times):>7} {errors:>7} {_pct(all_times, 50):>8.0f} "
                f"{_pct(all_times, 95):>8.0f} {_pct(all_times, 99):>8.0f} "
                f"{all_times[-1]:>8.0f}"
            )


def _pct(ordered: list[float], percent: float) -> float:
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(percent) - 1]


def _users(prefix: str, count: int, role: str) -> list:
    """`count` accounts for the run (made once, kept: sessions expire on their own)."""
    user_model = get_user_model()
    department = Department.objects.order_by("pk").first()
    users = []
    for n in range(1, count + 1):
        username = f"{prefix}-{n:03d}"
        user = user_model.objects.filter(username=username).first()
        if user is None:
            person = person_create(
                username=username,
                name=f"压测{n:03d}",
                roles=(role,),
                department=department,
            )
            user = person.user
        users.append(user)
    return users


def _session(user) -> str:
    """A signed-in session for `user`, as the login view would leave it."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


class Plan:
    def __init__(self, *, host, port, proxy_https, think, numbers, category_id):
        self.host, self.port = host, port
        self.proxy_https = proxy_https
        self.think = think
        self.numbers = numbers
        self.category_id = category_id
        self.results: dict[str, list] = {
            name: []
            for name in (
                "staff queue",
                "work-order page",
                "knowledge panel",
                "fault form",
                "file a fault",
            )  # fmt: skip
        }

    async def run(self, desk: list[str], reporters: list[str], duration: float) -> dict:
        stop = time.monotonic() + duration
        tasks = [asyncio.create_task(self._agent(s, stop, i)) for i, s in enumerate(desk)]
        tasks += [asyncio.create_task(self._reporter(s, stop, i)) for i, s in enumerate(reporters)]
        await asyncio.gather(*tasks)
        return self.results

    async def _agent(self, session: str, stop: float, seed: int):
        rng = random.Random(seed)  # noqa: S311 (which page to open)
        queue = reverse("incidents:queue")
        while time.monotonic() < stop:
            await self._call("staff queue", session, "GET", queue, expect=200)
            number, title = rng.choice(self.numbers)
            body = await self._call(
                "work-order page",
                session,
                "GET",
                reverse("incidents:detail", args=[number]),
                expect=200,
            )
            if body is None or reverse("knowledge:suggest").encode() not in body:
                continue  # as a browser: the page held the panel (or failed)
            await self._call(
                "knowledge panel",
                session,
                "GET",
                f"{reverse('knowledge:suggest')}?{urlencode({'q': title})}",
                expect=200,
            )
            if self.think:
                await asyncio.sleep(self.think)

    async def _reporter(self, session: str, stop: float, seed: int):
        form = reverse("incidents:report")
        while time.monotonic() < stop:
            await self._call("fault form", session, "GET", form, expect=200)
            csrf = secrets.token_hex(16)  # a 32-character secret, sent as cookie and field
            body = {
                "title": "打印机卡纸（压测）",
                "description": "loadtest",
                "urgency": "medium",
                "contact_phone": "13800000000",
                "filing_key": uuid.uuid4().hex,
                "csrfmiddlewaretoken": csrf,
            }
            if self.category_id:
                body["category"] = str(self.category_id)
            await self._call("file a fault", session, "POST", form, expect=302, form=body,
                             csrf=csrf)  # fmt: skip
            if self.think:
                await asyncio.sleep(self.think)

    async def _call(self, name, session, method, path, *, expect, form=None, csrf=None):
        """Times one request; answers the body when the status was as expected."""
        began = time.perf_counter()
        body = None
        try:
            status, body = await self._request(session, method, path, form=form, csrf=csrf)
            ok, detail = status == expect, f"{method} {path.split('?')[0]} answered {status}"
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            ok, detail = False, f"{method} {path.split('?')[0]}: {exc.__class__.__name__}"
        self.results[name].append(((time.perf_counter() - began) * 1000, ok, detail))
        return body if ok else None

    async def _request(self, session, method, path, *, form=None, csrf=None):
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            cookies = f"{settings.SESSION_COOKIE_NAME}={session}"
            if csrf:
                cookies += f"; {settings.CSRF_COOKIE_NAME}={csrf}"
            lines = [
                f"{method} {path} HTTP/1.1",
                f"Host: {self.host}:{self.port}",
                f"Cookie: {cookies}",
                "Connection: close",
                "Accept-Language: zh-hans",
            ]
            if self.proxy_https:
                lines.append("X-Forwarded-Proto: https")
                lines.append(f"Referer: https://{self.host}:{self.port}{path}")
            payload = b""
            if form is not None:
                payload = urlencode(form).encode()
                lines.append("Content-Type: application/x-www-form-urlencoded")
                lines.append(f"Content-Length: {len(payload)}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
            await writer.drain()
            status_line = await reader.readline()
            parts = status_line.split()
            if len(parts) < 2:
                raise ValueError("no HTTP status line")
            body = await reader.read()  # headers and body, until the server closes
            return int(parts[1]), body
        finally:
            writer.close()
