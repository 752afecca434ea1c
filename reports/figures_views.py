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
