"""What a report is made of, as plain data frozen into JSON when the report is generated.

A section builder (`reports/sections/<name>.py`) reads the owning app's selectors and
returns a `Section`. `Section.to_json()` is stored on the Report row; the HTML page, the
PDF, the CSV/xlsx exports and the API render from that JSON, never from live data, so a
delivered report never changes when work orders change later.

Labels, column headers, titles and definitions are stored as their English source text
(the gettext msgid, declared with `gettext_noop` where they are built) and translated when
rendered, so one frozen report reads in Chinese or English. Data (department names,
categories, vendor names) is stored as it is; translating an unknown string returns it.
`label_args` fills `%(name)s` placeholders after translation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from servicedesk.selectors import commitment_met

# How a value is shown: percent values are ratios (0.9731 shows as 97.3 %).
Unit = Literal["count", "percent", "hours", "minutes", "days", "money", "rating", "text"]
ChartKind = Literal["bar", "line", "pie", "pareto"]


@dataclass
class Target:
    """A commitment a figure is measured against (the targets are data, not code)."""

    op: Literal[">=", ">", "<=", "<", "between"]
    value: float
    upper: float | None = None  # only for "between" (e.g. first-contact resolution 30–50 %)
    source: str = ""  # where it came from, e.g. "Contract §6.3.3" or a service level's name

    def met(self, value) -> bool | None:
        return commitment_met(self.op, self.value, self.upper, value)


@dataclass
class Drill:
    """Where a figure's records are listed: a key registered in `reports.drill` and the
    JSON-able parameters (period bounds as ISO strings, filters) the list is built from.
    The list's count equals the figure's `count` (or the figure's value for counts)."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Figure:
    key: str  # unique within the report, e.g. "service.response_rate"
    label: str  # msgid
    value: int | float | str | None
    unit: Unit = "count"
    definition: str = ""  # msgid: which timestamps, which pauses, what counts
    target: Target | None = None
    # For rates: value = count / base. Both are shown ("97.3 % (146 of 150)").
    count: int | None = None
    base: int | None = None
    drill: Drill | None = None  # records counted in `count` (or in value for a count)
    base_drill: Drill | None = None  # records in `base`
    label_args: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value) if self.target else None


@dataclass
class Column:
    key: str
    label: str  # msgid
    unit: Unit = "text"


@dataclass
class Table:
    key: str
    title: str  # msgid
    columns: list[Column]
    rows: list[list[Any]]  # cells in column order: str, int, float or None
    definition: str = ""  # msgid
    row_drills: list[Drill | None] = field(default_factory=list)  # one per row, or empty
    title_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Series:
    name: str  # msgid or data
    values: list[float | int | None]


@dataclass
class Chart:
    """One chart definition drawn as SVG on the page and as reportlab graphics in the PDF.
    `table` names the Table holding the same numbers (the chart's accessible text)."""

    key: str
    title: str  # msgid
    kind: ChartKind
    categories: list[str]
    series: list[Series]
    unit: Unit = "count"
    table: str = ""
    title_args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Section:
    key: str  # the builder's name, e.g. "service", "repairs"
    title: str  # msgid
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # msgids: what was applied, caveats
    text: str = ""  # free text (the supervisor's suggestions), stored as written

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        def drill(value):
            return Drill(**value) if value else None

        def target(value):
            return Target(**value) if value else None

        return cls(
            key=data["key"],
            title=data["title"],
            figures=[
                Figure(
                    **{
                        **f,
                        "target": target(f.get("target")),
                        "drill": drill(f.get("drill")),
                        "base_drill": drill(f.get("base_drill")),
                    }
                )
                for f in data.get("figures", [])
            ],
            tables=[
                Table(
                    **{
                        **t,
                        "columns": [Column(**c) for c in t["columns"]],
                        "row_drills": [drill(d) for d in t.get("row_drills", [])],
                    }
                )
                for t in data.get("tables", [])
            ],
            charts=[
                Chart(**{**c, "series": [Series(**s) for s in c["series"]]})
                for c in data.get("charts", [])
            ],
            notes=list(data.get("notes", [])),
            text=data.get("text", ""),
        )


@dataclass
class Signoff:
    role: str  # msgid, e.g. "Reporter", "Service supervisor", "Operations department"
    name: str = ""  # empty: a line to sign on paper
    at: str = ""  # ISO date-time of the confirmation, or ""


@dataclass
class Document:
    """Everything a renderer (HTML, PDF, xlsx) needs for one report version."""

    title: str  # msgid of the report type
    form_number: str
    client_name: str
    period_kind: str  # "month" | "quarter" | "year"
    period_slug: str  # "2026-09", "2026-Q3", "2026"
    period_start: str  # ISO date
    period_end: str  # ISO date (inclusive)
    version: int
    status: str  # msgid of the status label ("Draft", "Confirmed", "Delivered")
    preliminary: bool  # generated before the period closed: marked on every page
    generated_at: str  # ISO date-time
    sections: list[Section]
    signoffs: list[Signoff] = field(default_factory=list)
