"""The customer's reports (DOMAIN.md "Reports"; plan §6.1.1, §6.3.3, §5.2.5, §3.4, §3.3.3).

Each report type is a list of section builders. A builder is a function in
`reports/sections/<name>.py` with the signature

    build(period: Period, *, options: dict) -> Section

It reads the owning app's selectors (reports imports them; they never import reports),
freezes numbers, labels as msgids, definitions and drill parameters into the Section and
does not write anything. `options` carries per-report inputs such as the supervisor's
suggestions text (`{"suggestions": "..."}`) and `preliminary: True` for an open period.

Due dates, recipients and extra approvals are data (ReportSetting in admin); the values
here are the defaults a fresh installation starts with.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.utils.translation import gettext_noop as N_

from .definitions import Section
from .periods import Period, PeriodKind


@dataclass(frozen=True)
class ReportType:
    code: str  # stable key, stored on Report rows
    title: str  # msgid
    period_kind: PeriodKind
    form_code: str  # default form code (FormCode key "reports.<code>" overrides it)
    sections: tuple[str, ...]  # builder names in reading order
    due_day: int  # the report is due on this day of the month after the period ends
    # The customer's plan has 运维部 / 信息中心 sign some reports after the 服务主管.
    client_approval: bool = False


SECTION_BUILDERS = {
    "service": "reports.sections.service",  # monthly service summary (incidents, quality…)
    "repairs": "reports.sections.repairs",  # vendor repairs, spares, parts, blacklist
    "trends": "reports.sections.trends",  # 12 months / 4 quarters of the key figures
    "availability": "reports.sections.availability",  # per service vs the 98 % commitment
    "inspections": "reports.sections.inspections",
    "antivirus": "reports.sections.antivirus",
    "emergencies": "reports.sections.emergencies",  # D0405 figures
    "quality": "reports.sections.quality",  # surveys, weekly-review actions (PDCA)
    "cmdb": "reports.sections.cmdb",  # configuration changes and baseline drift
    "ageing": "reports.sections.ageing",  # devices due for replacement (age, repeated faults)
    "spares": "reports.sections.spares",  # spare demand per part, suggested orders (§5.1.2.3)
    "costs": "reports.sections.costs",
    "suggestions": "reports.sections.suggestions",  # the supervisor's free text
}

OPERATIONS_SECTIONS = (
    "service",
    "quality",
    "trends",
    "availability",
    "repairs",
    "inspections",
    "antivirus",
    "emergencies",
    "cmdb",
    "ageing",
    "costs",
    "suggestions",
)

REPORT_TYPES: dict[str, ReportType] = {
    rt.code: rt
    for rt in (
        ReportType(
            "service_summary",
            N_("Monthly service summary"),
            "month",
            "D0105",
            ("service", "quality"),
            5,
        ),
        ReportType(
            "repair_summary",
            N_("Monthly repair summary"),
            "month",
            "D0708",
            ("repairs", "spares"),
            10,
        ),
        ReportType(
            "operations_month",
            N_("Monthly operations report"),
            "month",
            "D0106",
            OPERATIONS_SECTIONS,
            10,
            client_approval=True,
        ),
        ReportType(
            "operations_quarter",
            N_("Quarterly operations report"),
            "quarter",
            "D0107",
            OPERATIONS_SECTIONS,
            15,
            client_approval=True,
        ),
        ReportType(
            "operations_year",
            N_("Annual operations report"),
            "year",
            "D0108",
            OPERATIONS_SECTIONS,
            20,
            client_approval=True,
        ),
        ReportType("inspection", N_("Inspection report"), "month", "D0804", ("inspections",), 5),
        ReportType(
            "virus_statistics",
            N_("Virus handling statistics and analysis report"),
            "month",
            "D1001",
            ("antivirus",),
            5,
        ),
        ReportType(
            "emergency",
            N_("Emergency process management report"),
            "month",
            "D0405",
            ("emergencies",),
            5,
        ),
        ReportType(
            "configuration_changes",
            N_("Baseline and configuration changes report"),
            "month",
            "D0602",
            ("cmdb",),
            5,
        ),
    )
}


def build_sections(
    report_type: ReportType, period: Period, *, options: dict, progress=None
) -> list[Section]:
    """The report's sections in reading order. `progress(done, total)`, if given, is called
    after each section (the on-demand page's progress bar)."""
    sections = []
    for name in report_type.sections:
        sections.append(import_module(SECTION_BUILDERS[name]).build(period, options=options))
        if progress is not None:
            progress(len(sections), len(report_type.sections))
    return sections
