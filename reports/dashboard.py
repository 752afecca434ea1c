"""The manager dashboard: the contract's commitments against the actuals of a month and
the twelve months before it, overall, per service level and per department.

Everything comes from one grouped aggregate (`incidents.metrics.quality_counts` by month,
level and department; the counts add up, so each table sums the cells it needs) plus
the names and the commitments: a fixed number of queries whatever the data size.
Every number carries the URL of its drill list (`reports:drill`), built from the same Q
filters as the count (`incidents.metrics.records`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_noop as N_

from incidents import metrics
from incidents.metrics import QualityFigures
from incidents.services import work_order_url
from servicedesk.models import Department, ServiceLevel
from servicedesk.selectors import Commitment, commitments_by_level, commitments_on_days

from . import drill
from .definitions import Target
from .periods import Period

TREND_MONTHS = 12  # the months before the chosen one

# The figures shown, in order: (key, rate key or None for a plain count, unit).
# A rate shows "value (count of base)"; its count and base link to their lists.
FIGURES = (
    ("received", None),
    ("response_rate", "rate"),
    ("response_attainment", "rate"),
    ("resolution_attainment", "rate"),
    ("first_contact_rate", "rate"),
    ("satisfied_rate", "rate"),
    ("callbacks", None),
)

NOTE_COMMITMENTS = N_(
    "Commitments are data (admin: service commitments); where the customer's text "
    "contradicts itself the applied reading is stated as its source."
)


# --- who may see it -----------------------------------------------------------------------


def dashboard_refusal(user) -> str:
    """Managers and service supervisors (and whoever holds reports.view_report, the
    archive's permission) see the dashboard and its API; everyone else is refused."""
    from django.utils.translation import gettext as _

    from servicedesk.choices import Role
    from servicedesk.roles import user_has_role

    if not (user and user.is_authenticated and user.is_active):
        return _("Sign in to see the reports.")
    if user_has_role(user, Role.MANAGER, Role.SUPERVISOR, Role.ADMIN) or user.has_perm(
        "reports.view_report"
    ):
        return ""
    return _("Only managers and service supervisors can see the service figures.")


# --- drill lists ------------------------------------------------------------------------


def _instant(text: str, *, name: str) -> datetime:
    """An ISO date (local midnight) or an aware ISO date-time from drill parameters."""
    text = str(text or "").strip()
    moment = parse_datetime(text) if "T" in text or " " in text else None
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(f"{name}: not an ISO date or date-time: {text!r}")
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _optional_id(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def records_for(key: str, params: dict):
    """The drill list of count `key` for the parameters of a drill URL or a frozen Drill:
    start and end (ISO, half-open), optional department, level and as_of."""
    as_of = params.get("as_of")
    return metrics.records(
        key,
        start=_instant(params.get("start"), name="start"),
        end=_instant(params.get("end"), name="end"),
        department_id=_optional_id(params.get("department")),
        level=_optional_id(params.get("level")),
        as_of=_instant(as_of, name="as_of") if as_of else None,
    )


DRILL_COLUMNS = (
    ("number", N_("Number")),
    ("title", N_("Title")),
    ("created_at", N_("Received")),
    ("service_level__name", N_("Service level")),
    ("department__name", N_("Department")),
    ("status", N_("Status")),
    ("response_due_at", N_("Response due")),
    ("responded_at", N_("Responded")),
    ("resolved_at", N_("Resolved")),
)


def _register_drills() -> None:
    for key in metrics.COUNT_KEYS:
        drill.register(
            f"service.{key}",
            records=lambda params, key=key: records_for(key, params),
            columns=DRILL_COLUMNS,
            url=work_order_url,
        )


_register_drills()


@lru_cache(maxsize=64)
def _drill_path(key: str) -> str:
    try:
        return reverse("reports:drill", args=[f"service.{key}"])
    except NoReverseMatch:  # the drill page comes with the archive's urls (reports core)
        return f"/reports/drill/service.{key}/"


def drill_url(key: str, *, start: datetime, end: datetime, department=None, level=None) -> str:
    """`{% url 'reports:drill' key %}?start=…&end=…&department=…&level=…`"""
    path = _drill_path(key)
    query = {"start": start.isoformat(), "end": end.isoformat()}
    if department is not None:
        query["department"] = department
    if level:
        query["level"] = level
    return f"{path}?{urlencode(query)}"


# --- cells and tables ---------------------------------------------------------------------


def as_target(commitment: Commitment | None) -> Target | None:
    if commitment is None:
        return None
    return Target(commitment.op, commitment.value, commitment.upper, commitment.source)


@dataclass
class Cell:
    """One figure for one column: a rate (value, count of base) or a count (value)."""

    key: str
    value: float | int | None
    count: int | None = None
    base: int | None = None
    url: str = ""  # the records counted in `count` (or in `value` for a count)
    base_url: str = ""
    target: Target | None = None

    @property
    def met(self) -> bool | None:
        return self.target.met(self.value) if self.target else None

    @property
    def missed(self) -> bool:
        return self.met is False

    @property
    def is_rate(self) -> bool:
        return self.base is not None

    @property
    def value_text(self) -> str:
        if self.value is None:
            return "—"
        return percent(self.value) if self.is_rate else str(self.value)

    @property
    def target_text(self) -> str:
        return target_text(self.target)

    def html_as_actual(self) -> str:
        """The cell in the commitments table, whose row header already names the figure."""
        from django.utils.translation import gettext as _

        return self.html(label=_("Actual value"))

    def html(self, label: str = "") -> str:
        """The table cell (<td>), built here rather than by an included template: the
        dashboard has some 200 of them and template includes cost ~0.3 ms each. A miss is
        red and also marked with an icon and a text for screen readers (not colour alone)."""
        from django.utils.html import format_html
        from django.utils.translation import gettext as _

        # Names the cell on a phone's card; a row already headed by the figure passes its own.
        label = label or _(figure_label(self.key))
        if not self.is_rate:
            return format_html(
                '<td class="text-end text-nowrap" data-label="{}"><a href="{}">{}</a></td>',
                label,
                self.url,
                self.value,
            )
        if self.value is None:
            shown = format_html(
                '<span class="text-muted" title="{}">—</span>', _("Nothing due in this period")
            )
        else:
            shown = format_html(
                '<a class="{}" href="{}">{}</a>',
                "link-danger" if self.missed else "",
                self.url,
                self.value_text,
            )
        if self.missed:
            mark = format_html(
                ' <i class="bi bi-exclamation-triangle-fill" aria-hidden="true"></i>'
                '<span class="visually-hidden">{}</span>',
                _("commitment missed"),
            )
        elif self.met:
            mark = format_html(
                ' <i class="bi bi-check-circle text-success" aria-hidden="true"></i>'
                '<span class="visually-hidden">{}</span>',
                _("commitment met"),
            )
        else:
            mark = ""
        return format_html(
            '<td class="text-end text-nowrap{}" data-label="{}">{}{}<br><small class="text-muted">'
            '<a class="link-secondary" href="{}">{}</a> / '
            '<a class="link-secondary" href="{}">{}</a></small></td>',
            " text-danger fw-bold" if self.missed else "",
            label,
            shown,
            mark,
            self.url,
            self.count,
            self.base_url,
            self.base,
        )


def percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def target_text(target: Target | None) -> str:
    """ "≥ 100 %", "> 95 %", "30–50 %" (the commitments shown are all rates)."""
    if target is None:
        return ""
    if target.op == "between":
        upper = target.upper if target.upper is not None else target.value
        return f"{target.value * 100:g}–{upper * 100:g} %"
    sign = {">=": "≥", "<=": "≤"}.get(target.op, target.op)
    return f"{sign} {target.value * 100:g} %"


def cells(
    figures: QualityFigures,
    *,
    start: datetime,
    end: datetime,
    targets: dict[str, Commitment],
    department=None,
    level=None,
) -> list[Cell]:
    scope = {"start": start, "end": end, "department": department, "level": level}
    row = []
    for key, kind in FIGURES:
        if kind is None:
            row.append(Cell(key, getattr(figures, key), url=drill_url(key, **scope)))
            continue
        part, whole, *_ = metrics.RATES[key]
        row.append(
            Cell(
                key,
                figures.rate(key),
                count=getattr(figures, part),
                base=getattr(figures, whole),
                url=drill_url(part, **scope) if part in metrics.COUNT_KEYS else "",
                base_url=drill_url(whole, **scope),
                target=as_target(targets.get(key)),
            )
        )
    return row


@dataclass
class Line:
    label: str  # data (a month, a level's or a department's name) or a msgid
    cells: list[Cell]
    translate: bool = False


@dataclass
class Dashboard:
    month: Period
    preliminary: bool  # the month is not over yet
    as_of: datetime
    figures: list[tuple[str, str, str]]  # (key, label msgid, definition msgid)
    current: Line  # the chosen month, against the general commitments
    commitments: list[tuple[str, Target]]  # (label msgid, target) applied to `current`
    months: list[Line]  # the chosen month and the twelve before, oldest first
    levels: list[Line]
    departments: list[Line]
    notes: list[str] = field(default_factory=list)

    def rows(self):
        """Every table as flat rows for CSV/xlsx: (table, line, figure key, value, count,
        base, commitment, met)."""
        for table, lines in (
            (N_("This month"), [self.current]),
            (N_("Last 12 months"), self.months),
            (N_("Per service level"), self.levels),
            (N_("Per department"), self.departments),
        ):
            for line in lines:
                for cell in line.cells:
                    yield table, line, cell


def figure_label(key: str) -> str:
    """The msgid naming a figure of the dashboard (a count's label or a rate's)."""
    return metrics.RATES[key][2] if key in metrics.RATES else metrics.LABELS.get(key, key)


def figure_texts() -> list[tuple[str, str, str]]:
    texts = []
    for key, kind in FIGURES:
        if kind is None:
            texts.append((key, metrics.LABELS[key], metrics.DEFINITIONS[key]))
        else:
            _part, _whole, label, definition = metrics.RATES[key]
            texts.append((key, label, definition))
    return texts


def _grid(months: list[Period], now: datetime):
    """The grouped counts of `months`, each month cached on its own (dashboard_cache)."""
    from . import dashboard_cache

    return dashboard_cache.grid(months, now), now


def dashboard(*, month: Period, now: datetime | None = None) -> Dashboard:
    """The dashboard of `month` (and the twelve months before it), as of `now`."""
    now = now or timezone.now()
    grid, now = _grid(month.trailing(TREND_MONTHS + 1), now)
    empty = QualityFigures()
    by_month: dict[date, QualityFigures] = {}
    by_level: dict[int, QualityFigures] = {}
    by_department: dict[int | None, QualityFigures] = {}
    for (month_first, level_id, department_id), figures in grid.items():
        by_month[month_first] = by_month.get(month_first, empty) + figures
        if month_first == month.start:
            by_level[level_id] = by_level.get(level_id, empty) + figures
            by_department[department_id] = by_department.get(department_id, empty) + figures

    # Each month is judged by the targets in force in it (a quarter's target set from the
    # quarter's first day): the last day of a past month, today for the running one.
    today = timezone.localdate(now)
    trailing = month.trailing(TREND_MONTHS + 1)
    in_force = commitments_on_days([min(period.end, today) for period in trailing])
    commitments = in_force[min(month.end, today)]
    general = commitments.get(None, {})
    this_month = by_month.get(month.start, empty)
    scope = {"start": month.start_at, "end": month.end_at}
    months = [
        Line(
            period.slug,
            cells(
                by_month.get(period.start, empty),
                start=period.start_at,
                end=period.end_at,
                targets=commitments_by_level_for(in_force[min(period.end, today)], None),
            ),
        )
        for period in trailing
    ]
    levels = [
        Line(
            level.name,
            cells(
                by_level.get(level.pk, empty),
                **scope,
                targets=commitments_by_level_for(commitments, level.pk),
                level=level.pk,
            ),
        )
        for level in ServiceLevel.objects.order_by("-rank")
    ]
    named = dict(
        Department.objects.filter(pk__in=[d for d in by_department if d]).values_list("pk", "name")
    )
    departments = [
        Line(
            named.get(department_id, ""),
            cells(figures, **scope, targets=general, department=department_id),
        )
        for department_id, figures in sorted(
            by_department.items(), key=lambda item: named.get(item[0], "\uffff")
        )
        if department_id
    ]
    if None in by_department:
        departments.append(
            Line(
                N_("No department"),
                cells(
                    by_department[None],
                    **scope,
                    targets=general,
                    department=metrics.NO_DEPARTMENT,
                ),
                translate=True,
            )
        )
    applied = [
        (label, as_target(general[key]))
        for key, label, _definition in figure_texts()
        if key in general
    ]
    return Dashboard(
        month=month,
        preliminary=not month.is_closed(timezone.localdate(now)),
        as_of=now,
        figures=figure_texts(),
        current=Line(month.slug, cells(this_month, **scope, targets=general)),
        commitments=applied,
        months=months,
        levels=levels,
        departments=departments,
        notes=[*metrics.NOTES, NOTE_COMMITMENTS],
    )


def commitments_by_level_for(
    commitments: dict[int | None, dict[str, Commitment]], level_id: int | None
) -> dict[str, Commitment]:
    """The general commitments, overridden by the level's own rows."""
    merged = dict(commitments.get(None, {}))
    if level_id is not None:
        merged.update(commitments.get(level_id, {}))
    return merged


def targets_in_force(day: date, *, level_id: int | None = None) -> dict[str, Target]:
    """The commitments in force on `day` as report Targets (for the section builders)."""
    return {
        key: as_target(commitment)
        for key, commitment in commitments_by_level_for(commitments_by_level(day), level_id).items()
    }
