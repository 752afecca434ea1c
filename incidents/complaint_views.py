"""The quality manager's complaint statistics (by cause, department and handling time in
business hours) for a period, with CSV. Thin: parse the period, check who asks (the
complaint handlers: supervisors, managers), call `complaint_metrics.complaint_statistics`."""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from . import complaint_metrics, forms, permissions


def period_from(request, *, today):
    """(first day, last day, form) of the period asked for; this month so far by default
    or when the input is bad (the form then carries the message)."""
    default = {"start": today.replace(day=1), "end": today}
    if "start" not in request.GET and "end" not in request.GET:
        form = forms.PeriodForm(initial=default)
        return default["start"], default["end"], form
    form = forms.PeriodForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"], form
    return default["start"], default["end"], form


def bounds(first, last) -> tuple[datetime, datetime]:
    """The instants [first day 00:00, the day after the last 00:00) in the portal's zone."""
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )


def _group_name(group, kind: str) -> str:
    if group.name:
        return group.name
    return _("Not classified") if kind == "cause" else _("No department")


@login_required
def complaint_statistics(request):
    workflow.require(permissions.complaint_handle_refusal(request.user))
    first, last, form = period_from(request, today=timezone.localdate())
    if form.is_bound and not form.is_valid():
        messages.warning(request, " ".join(form.non_field_errors()) or _("Choose two dates."))
    start, end = bounds(first, last)
    stats = complaint_metrics.complaint_statistics(start=start, end=end)
    tables = [
        ("cause", _("By cause"), stats.by_cause),
        ("department", _("By department"), stats.by_department),
    ]
    if request.GET.get("format") == "csv":
        from cmdb.tabular import csv_stream

        headers = [
            _("Table"),
            _("Group"),
            _("Complaints"),
            _("Handled"),
            _("Open"),
            _("Mean handling time (business hours)"),
        ]
        rows = [
            [title, _group_name(g, kind), g.complaints, g.handled, g.open, g.mean_handling_hours]
            for kind, title, groups in tables
            for g in groups
        ]
        total = stats.total
        rows.append(
            [_("All"), "", total.complaints, total.handled, total.open, total.mean_handling_hours]
        )
        response = HttpResponse(
            "".join(csv_stream(headers, rows)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="complaints-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
        )
        return response
    return render(
        request,
        "incidents/complaint_statistics.html",
        {
            "form": form,
            "first": first,
            "last": last,
            "stats": stats,
            "tables": [
                (kind, title, [(g, _group_name(g, kind)) for g in groups])
                for kind, title, groups in tables
            ],
            "records": list(
                complaint_metrics.complaint_records("complaints", start=start, end=end)[:500]
            ),
        },
    )
