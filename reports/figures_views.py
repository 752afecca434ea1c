"""Pages beside the dashboard: quarterly service targets against actuals, and the costs
per department. Thin: parse the period, check who asks (the dashboard's refusal), call one
function, render or export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.tabular import csv_stream

from .dashboard import dashboard_refusal
from .quarter_targets import quarter_overview


def _require_figures(request) -> None:
    refusal = dashboard_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)


def chosen_year(text: str | None, *, today) -> tuple[int, str]:
    """The year asked for, and a message when it cannot be shown (then this year)."""
    if not text:
        return today.year, ""
    try:
        year = int(text)
    except (TypeError, ValueError):
        return today.year, _("“%(text)s” is not a year: choose one as 2027.") % {"text": text}
    if not 2000 <= year <= today.year:
        return today.year, _("Choose a year from 2000 to this year.")
    return year, ""


def _csv(name: str, headers, rows) -> HttpResponse:
    response = HttpResponse(
        "".join(csv_stream(headers, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def quarter_targets_view(request):
    _require_figures(request)
    today = timezone.localdate()
    year, problem = chosen_year(request.GET.get("year"), today=today)
    if problem:
        messages.warning(request, problem)
    lines = quarter_overview(year=year)
    if request.GET.get("format") == "csv":
        headers = [_("Quarter"), _("Figure"), _("Target"), _("Actual value"), _("Met")]
        rows = [
            [
                line.period.slug,
                _(cell.label),
                cell.target_text,
                cell.actual_text,
                "" if cell.met is None else (_("yes") if cell.met else _("no")),
            ]
            for line in lines
            for cell in line.cells
        ]
        return _csv(f"quarter-targets-{year}", headers, rows)
    return render(
        request,
        "reports/quarter_targets.html",
        {"lines": lines, "year": year, "this_year": today.year},
    )


def yuan(amount) -> str:
    """An amount as "1910.00" (SQLite's sums drop the decimals)."""
    from decimal import Decimal

    return f"{Decimal(amount or 0):.2f}"


def chosen_days(request, *, today):
    """(first day, last day, message) of the period asked for as ?start=&end= (ISO dates,
    both included); this month so far by default, or with a message when the input is bad."""
    from django.utils.dateparse import parse_date

    default = (today.replace(day=1), today, "")
    start_text, end_text = request.GET.get("start"), request.GET.get("end")
    if not start_text and not end_text:
        return default
    try:
        first, last = parse_date(start_text or ""), parse_date(end_text or "")
    except ValueError:
        first = last = None
    if first is None or last is None:
        return (*default[:2], _("Choose the period as two dates, e.g. 2026-11-01 and 2026-11-30."))
    if last < first:
        return (*default[:2], _("The end of the period is before its start."))
    if (last - first).days > 366 * 3:
        return (*default[:2], _("Choose a period of at most three years."))
    return first, last, ""


@login_required
def department_costs_view(request):
    from urllib.parse import urlencode

    from django.urls import reverse

    from .department_costs import KINDS, NO_DEPARTMENT, department_costs, drill_params

    _require_figures(request)
    first, last, problem = chosen_days(request, today=timezone.localdate())
    if problem:
        messages.warning(request, problem)
    costs = department_costs(starts_on=first, ends_on=last)
    if request.GET.get("format") == "csv":
        headers = [_("Department"), *[_(label) for _k, label, _d in KINDS], _("Total")]
        rows = [
            [
                row.name or _("No department"),
                *[yuan(row.amount(k)) for k, _l, _d in KINDS],
                yuan(row.total),
            ]
            for row in costs.rows
        ]
        rows.append(
            [
                _("All departments"),
                *[yuan(costs.totals[k]) for k, _l, _d in KINDS],
                yuan(costs.total),
            ]
        )
        return _csv(f"department-costs-{first:%Y%m%d}-{last:%Y%m%d}", headers, rows)

    def link(kind, department=None):
        path = reverse("reports:drill", args=[f"costs.kind.{kind}"])
        return f"{path}?{urlencode(drill_params(first, last, department))}"

    table = [
        (
            row.name,
            [
                (row.amount(kind), link(kind, row.department_id or NO_DEPARTMENT), label)
                for kind, label, _d in KINDS
            ],
            row.total,
        )
        for row in costs.rows
    ]
    return render(
        request,
        "reports/department_costs.html",
        {
            "costs": costs,
            "kinds": KINDS,
            "table": table,
            "totals": [(costs.totals[kind], link(kind), label) for kind, label, _d in KINDS],
            "first": first,
            "last": last,
            "today": timezone.localdate(),
        },
    )
