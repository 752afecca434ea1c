"""Demo reports: the monthly service and repair summaries and the monthly operations
report for each of the last twelve months that have demo work orders, generated from them
by the same service the beat schedule calls. All delivered (recorded as handed over in
person, so seeding sends no mail and renders no PDF) except the last month, left as a
draft for the supervisor; the other report types for the last closed period, as drafts.

Idempotent: skipped once any report exists. A type whose section builder is not installed
is skipped (never a report with made-up figures)."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from importlib.util import find_spec

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from itsm.actors import system_user

from . import services
from .models import Report
from .periods import Period
from .permissions import approval_body
from .registry import REPORT_TYPES, SECTION_BUILDERS

logger = logging.getLogger(__name__)

DEMO_TYPES = ("service_summary", "repair_summary", "operations_month")
# The other reports for the last closed period only, left as drafts to look at.
LAST_PERIOD_TYPES = (
    "inspection",
    "virus_statistics",
    "emergency",
    "configuration_changes",
    "operations_quarter",
)
MONTHS = 12


def _installed(code: str) -> bool:
    return all(find_spec(SECTION_BUILDERS[name]) for name in REPORT_TYPES[code].sections)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(*, password: str = "") -> str:
    if Report.objects.exists():
        return "reports exist, skipped"
    users = get_user_model().objects.in_bulk(
        ["supervisor", "manager", "approver"], field_name="username"
    )
    supervisor = users.get("supervisor") or system_user()
    approver = users.get("approver")
    if approver is None or not approval_body(approver):
        approver = system_user()  # no client approver in this data set

    system = system_user()
    today = timezone.localdate()
    last = Period.month(today.year, today.month).previous()
    months = last.trailing(MONTHS)
    types = [code for code in DEMO_TYPES if _installed(code)]
    made, skipped = 0, []
    for code in types:
        for period in months:
            try:
                report = services.report_generate(
                    type=code, period=period, actor=system, today=today
                )
            except ValidationError as exc:
                if exc.code == "before_data":
                    continue  # the demo's work orders start later
                skipped.append(f"{code} {period.slug}: {' '.join(exc.messages)}")
                continue
            made += 1
            # As if the beat had generated it on the 1st at 02:00.
            stamps = {"generated_at": _at(period.end + timedelta(days=1), 2)}
            if period != last:
                report = services.report_confirm(
                    report=report, actor=supervisor, lock_version=report.lock_version
                )
                if report.needs_client_approval:
                    report = services.report_approve(
                        report=report, actor=approver, lock_version=report.lock_version
                    )
                report = services.report_deliver(
                    report=report, actor=supervisor, lock_version=report.lock_version,
                    by_hand=True,
                )  # fmt: skip
                handed = min(report.due_on, today) if report.due_on else today
                stamps |= {
                    "confirmed_at": _at(handed - timedelta(days=1), 16),
                    "delivered_at": _at(handed, 10),
                }
                report.deliveries.update(sent_at=stamps["delivered_at"])
            Report.objects.filter(pk=report.pk).update(**stamps)
    for code in LAST_PERIOD_TYPES:
        if not _installed(code):
            continue
        period = Period.containing(REPORT_TYPES[code].period_kind, today).previous()
        try:
            services.report_generate(type=code, period=period, actor=system, today=today)
            made += 1
        except ValidationError as exc:
            skipped.append(f"{code} {period.slug}: {' '.join(exc.messages)}")
    missing = [code for code in DEMO_TYPES if code not in types]
    summary = f"{made} reports"
    if missing:
        summary += f" (section builders missing for {', '.join(missing)})"
    if skipped:
        logger.warning("demo reports skipped: %s", "; ".join(skipped))
        summary += f", {len(skipped)} skipped"
    return summary
