"""The report core's fixtures (tests/reports/core_fixtures.py); none is autouse."""

from tests.reports.core_fixtures import (  # noqa: F401
    calendar_2026,
    failing_sections,
    fake_renderers,
    fake_sections,
    in_english,
    report_data,
    report_order,
)
