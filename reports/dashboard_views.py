"""The manager dashboard page and its CSV/xlsx export. Thin: parse the month, check who
asks, call `reports.dashboard.dashboard`, render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from cmdb.tabular import csv_stream, xlsx_write

from .dashboard import Dashboard, dashboard, dashboard_refusal
from .periods import Period


def chosen_month(text: str | None, *, today) -> tuple[Period, str]:
    """The month asked for as 2026-09, and a message when it cannot be shown (then the
    current month is shown instead)."""
    current = Period.containing("month", today)
    if not text:
        return current, ""
    try:
        month = Period.parse("month", text)
    except (ValueError, TypeError):
        return current, _("“%(text)s” is not a month: choose one as 2026-09.") % {"text": text}
    if month.start > today:
        return current, _("%(month)s has not begun yet: showing this month.") % {
            "month": month.slug
        }
    if month.start.year < 2000:
        return current, _("Choose a month from 2000 on.")
    return month, ""


def _dashboard_for(request) -> Dashboard:
    refusal = dashboard_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    month, problem = chosen_month(request.GET.get("month"), today=timezone.localdate())
    if problem:
        messages.warning(request, problem)
    return dashboard(month=month)


@login_required
def dashboard_view(request):
    board = _dashboard_for(request)
    return render(
        request,
        "reports/dashboard.html",
        {"board": board, "month_value": board.month.slug, "this_month": timezone.localdate()},
    )


HEADERS = (
    N_("Table"),
    N_("Row"),
    N_("Figure"),
    N_("Value"),
    N_("Unit"),
    N_("Count"),
    N_("Base"),
    N_("Commitment"),
    N_("Commitment met"),
)


def _export_rows(board: Dashboard):
    labels = {key: label for key, label, _definition in board.figures}
    for table, line, cell in board.rows():
        yield [
            _(table),
            _(line.label) if line.translate else line.label,
            _(labels[cell.key]),
            (round(cell.value * 100, 1) if cell.is_rate else cell.value)
            if cell.value is not None
            else "",
            "%" if cell.is_rate else _("work orders"),
            cell.count if cell.count is not None else "",
            cell.base if cell.base is not None else "",
            cell.target_text,
            "" if cell.met is None else (_("yes") if cell.met else _("no")),
        ]


@login_required
def dashboard_export(request, fmt: str):
    """The dashboard's tables as one flat sheet; every cell neutralised against formula
    injection (department names are data): csv_stream / xlsx_write from cmdb.tabular."""
    board = _dashboard_for(request)
    headers = [_(h) for h in HEADERS]
    name = f"service-figures-{board.month.slug}"
    if fmt == "csv":
        response = HttpResponse(
            "".join(csv_stream(headers, _export_rows(board))),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    target = io.BytesIO()
    xlsx_write(target, headers, _export_rows(board), title=_("Service figures"))
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
