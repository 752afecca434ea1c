"""Thin pages over the selectors and services: the archive, a report, generating one,
signing off, its files, and the drill-down list behind a figure."""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from itsm.audit import audit_timeline
from itsm.workflow import Conflict

from . import drill, rendering, selectors, services
from .choices import ReportStatus
from .forms import GenerateForm, default_period_text
from .models import TYPE_CHOICES
from .permissions import READERS, report_refusal
from .registry import REPORT_TYPES

logger = logging.getLogger(__name__)

ACTIONS = {
    "confirm": services.report_confirm,
    "approve": services.report_approve,
    "deliver": services.report_deliver,
}
# Mailing again changes no state: no lock_version.
RESEND = "resend"


def _error_text(exc) -> str:
    return " ".join(str(m) for m in getattr(exc, "messages", [str(exc)]))


def _report_or_404(request, number):
    report = selectors.report_get(user=request.user, number=number)
    if report is None:
        raise Http404(_("No such report."))
    return report


def _can_read(user) -> None:
    from servicedesk.roles import user_has_role

    if not user_has_role(user, *READERS) and not user.has_perm("reports.view_report"):
        raise PermissionDenied(_("Reports are for managers, supervisors and approvers."))


@login_required
@require_GET
def report_archive(request):
    _can_read(request.user)
    code = request.GET.get("type", "")
    code = code if code in REPORT_TYPES else ""
    status = request.GET.get("status", "")
    status = status if status in ReportStatus.values else ""
    year = request.GET.get("year", "")
    year = int(year) if year.isdecimal() else None
    reports = list(
        selectors.report_list(user=request.user, type=code, status=status, year=year)[:500]
    )
    today = timezone.localdate()
    for report in reports:
        report.overdue = report.is_overdue(today)
    return render(
        request,
        "reports/report_list.html",
        {
            "reports": reports,
            "types": TYPE_CHOICES,
            "statuses": ReportStatus.choices,
            "years": selectors.report_years(),
            "selected": {"type": code, "status": status, "year": year},
            "can_generate": not report_refusal(request.user, None, "generate"),
        },
    )


@login_required
@require_GET
def report_detail(request, number):
    report = _report_or_404(request, number)
    user = request.user
    refusals = {action: report_refusal(user, report, action) for action in (*ACTIONS, RESEND)}
    setting = services.report_setting_get(report.type)
    deliveries = list(selectors.report_deliveries(report=report))
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "sections": selectors.report_sections(report),
            "versions": selectors.report_versions(user=user, report=report),
            "deliveries": deliveries,
            "undelivered": [d for d in deliveries if not d.sent_at and not d.by_hand],
            "refusals": refusals,
            "has_recipients": bool(setting.address_list) or setting.recipients.exists(),
            "overdue": report.is_overdue(timezone.localdate()),
            "drill_base": reverse("reports:drill_base"),
            "timeline": audit_timeline(subject=report),
        },
    )


@login_required
@require_POST
def report_act(request, number, action):
    if action == RESEND:
        return _resend(request, number)
    service = ACTIONS.get(action)
    if service is None:
        raise Http404()
    report = _report_or_404(request, number)
    version = request.POST.get("lock_version", "")
    kwargs = {"by_hand": request.POST.get("by_hand") == "1"} if action == "deliver" else {}
    try:
        service(
            report=report,
            actor=request.user,
            lock_version=int(version) if version.isdecimal() else None,
            **kwargs,
        )
    except (PermissionDenied, ValidationError, Conflict) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            {
                "confirm": _("Report confirmed."),
                "approve": _("Report approved."),
                "deliver": _("Report delivered; the recipients get it by mail shortly."),
            }[action]
            if not kwargs.get("by_hand")
            else _("Delivery in person recorded."),
        )
    return redirect(report)


def _resend(request, number):
    report = _report_or_404(request, number)
    try:
        services.report_resend(report=report, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The report is mailed again to whom it has not reached."))
    return redirect(report)


def _file(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def report_pdf(request, number):
    report = _report_or_404(request, number)
    try:
        content = rendering.report_pdf(report, language=get_language())
    except Exception:
        # Never a blank or half PDF: say so on the report's page and keep the trace.
        logger.exception("report %s: PDF rendering failed", report.number)
        messages.error(request, _("The PDF could not be rendered; the error has been logged."))
        return redirect(report)
    response = _file(content, "application/pdf", rendering.report_filename(report, "pdf"))
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline"
    )
    return response


@login_required
@require_GET
def report_xlsx(request, number):
    report = _report_or_404(request, number)
    return _file(
        rendering.report_xlsx(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        rendering.report_filename(report, "xlsx"),
    )


@login_required
@require_GET
def report_csv(request, number, table):
    report = _report_or_404(request, number)
    text = rendering.report_table_csv(report, table)
    if text is None:
        raise Http404(_("No such table in this report."))
    # A byte-order mark so Excel opens the Chinese text as UTF-8.
    return _file("\ufeff" + text, "text/csv; charset=utf-8", f"{report.number}-{table}.csv")


@login_required
def report_generate(request):
    refusal = report_refusal(request.user, None, "generate")
    if refusal:
        raise PermissionDenied(refusal)
    code = request.GET.get("type", "service_summary")
    code = code if code in REPORT_TYPES else "service_summary"
    form = GenerateForm(
        request.POST or None, initial={"type": code, "period": default_period_text(code)}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.generation_job_create(
                actor=request.user,
                type=data["type"],
                period=data["period_value"],
                preliminary=data["preliminary"],
                regenerate=data["regenerate"],
                options={"suggestions": data["suggestions"]} if data["suggestions"] else {},
            )
        except ValidationError as exc:
            form.add_error("period" if exc.code != "build" else None, exc.messages)
        else:
            return redirect(job)
    defaults = {c: default_period_text(c) for c in REPORT_TYPES}
    return render(request, "reports/report_form.html", {"form": form, "period_defaults": defaults})


def _job_or_404(request, pk):
    job = selectors.job_get(user=request.user, pk=pk)
    if job is None:
        raise Http404(_("No such report generation."))
    return job


@login_required
@require_GET
def job_detail(request, pk):
    return render(request, "reports/job_detail.html", {"job": _job_or_404(request, pk)})


@login_required
@require_GET
def job_progress(request, pk):
    """The htmx partial the job page polls; once finished it asks for a full reload."""
    job = _job_or_404(request, pk)
    if job.finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "reports/_job_progress.html", {"job": job})


def drill_params(query) -> dict:
    """Drill parameters from the query string: `?params=<JSON>` or plain `name=value`
    pairs (a repeated name is a list); `report` and `figure` are not parameters."""
    if "params" in query:
        try:
            params = json.loads(query["params"])
        except ValueError as exc:
            raise ValidationError(_("The drill-down parameters are not valid.")) from exc
        if not isinstance(params, dict):
            raise ValidationError(_("The drill-down parameters are not valid."))
        return params
    params = {}
    for name in query:
        if name in ("report", "figure", "page"):
            continue
        values = query.getlist(name)
        params[name] = values if len(values) > 1 else values[0]
    return params


@login_required
@require_GET
def drill_page(request, key):
    source = drill.source(key)
    if source is None:
        raise Http404(_("No such figure list."))
    if not request.user.has_perm(source.permission):
        raise PermissionDenied(_("You cannot see the records behind this figure."))
    try:
        params = drill_params(request.GET)
        records = source.records(params)
        count = records.count()
        rows = list(records[:500])
    except (ValidationError, ValueError, TypeError, KeyError) as exc:
        return render(
            request,
            "reports/drill.html",
            {"source": source, "error": _error_text(exc), "rows": [], "count": 0},
            status=400,
        )
    frozen = None
    number, figure_key = request.GET.get("report", ""), request.GET.get("figure", "")
    if number and figure_key:
        report = selectors.report_get(user=request.user, number=number)
        figure = selectors.report_figure(report, figure_key) if report else None
        if figure is not None:
            is_base = figure.base_drill is not None and figure.base_drill.key == key
            value = figure.base if is_base else (
                figure.count if figure.count is not None else figure.value
            )  # fmt: skip
            frozen = {"report": report, "figure": figure, "value": value}
    labels = [_(label) for _path, label in source.columns]
    table = [
        {
            # (value, column label): a phone shows each row as a card of labelled cells.
            "cells": [
                (_cell(row, path), label)
                for (path, _msgid), label in zip(source.columns, labels, strict=True)
            ],
            "url": source.url(row) if source.url else "",
        }
        for row in rows
    ]
    return render(
        request,
        "reports/drill.html",
        {
            "source": source,
            "columns": [label for _path, label in source.columns],
            "rows": table,
            "count": count,
            "shown": len(rows),
            "frozen": frozen,
            "differs": frozen is not None and frozen["value"] != count,
        },
    )


def _cell(obj, path: str):
    value = obj
    for part in path.split("__"):
        if value is None:
            return ""
        if isinstance(value, dict):
            value = value.get(part)
            continue
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    return "" if value is None else value
