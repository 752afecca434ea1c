"""Drill-down: the list of records behind a figure.

Section builders register, per drill key, how to rebuild the records from the frozen
parameters and which columns to show. The drill page (`/reports/drill/<key>/`) and the
API list them for the viewer; the count of the list equals the figure it came from
(tests assert it). After later edits to work orders the live list may differ from a
delivered report's frozen number: the page then shows both.

    drill.register(
        "service.response_missed",
        records=lambda params: incidents.metrics.records("response_missed", **params),
        columns=[("number", N_("Number")), ("title", N_("Title")), ...],
        url=lambda obj: obj.get_absolute_url(),
    )
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class DrillSource:
    key: str
    records: Callable[[dict[str, Any]], QuerySet]
    columns: Sequence[tuple[str, str]]  # (attribute path with "__" for relations, msgid)
    url: Callable[[Any], str] | None = None
    permission: str = "reports.view_report"


_sources: dict[str, DrillSource] = {}


def register(
    key: str,
    *,
    records: Callable[[dict[str, Any]], QuerySet],
    columns: Sequence[tuple[str, str]],
    url: Callable[[Any], str] | None = None,
    permission: str = "reports.view_report",
) -> None:
    _sources[key] = DrillSource(key, records, tuple(columns), url, permission)


def source(key: str) -> DrillSource | None:
    _load_builders()
    return _sources.get(key)


def keys() -> list[str]:
    _load_builders()
    return sorted(_sources)


def _load_builders() -> None:
    """Builders register their drill keys on import; import them all once. The
    "service.<count key>" lists of incidents.metrics are registered by reports.dashboard,
    which the URLconf imports; imported here too, so a report's drill resolves in a task,
    the API or a test without the URLconf loaded."""
    from importlib import import_module

    from .registry import SECTION_BUILDERS

    for module in ("reports.dashboard", *SECTION_BUILDERS.values()):
        import_module(module)
