"""The system running fault log (系统运行故障记录表): a page per month, CSV and PDF, and the
fault report (故障报告) of a major fault. Thin over incidents/fault_log.py."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cmdb.tabular import csv_stream

from . import fault_log, services
from .models import FaultReport, WorkOrder


def _reader(user):
    if not fault_log.is_reader(user):
        raise PermissionDenied(_("The fault log is for IT staff and managers."))


def _month(text: str) -> date:
    """`2026-11` → 2026-11-01; this month when blank or not a month."""
    try:
        year, month = (int(part) for part in (text or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def _row(order) -> dict:
    duration = fault_log.duration_minutes(order)
    return {
        "order": order,
        "device": order.device.asset_tag if order.device_id else "",
        "category": str(order.category) if order.category_id else "",
        "duration": duration,
        "handler": (
            getattr(getattr(order.assignee, "person", None), "name", "")
            or (order.assignee.get_username() if order.assignee_id else "")
        ),
        "missing": order.is_major and order.status in fault_log.DONE_STATUSES
        and not order.has_report,
    }  # fmt: skip


@login_required
@require_GET
def fault_log_page(request):
    _reader(request.user)
    month = _month(request.GET.get("month", ""))
    rows = [_row(o) for o in fault_log.fault_log(user=request.user, month=month)[:1000]]
    return render(
        request,
        "incidents/fault_log.html",
        {
            "month": month,
            "previous": _shift(month, -1),
            "next": _shift(month, 1),
            "rows": rows,
            "counts": fault_log.fault_log_counts(user=request.user, month=month),
            "missing": fault_log.missing_fault_reports(user=request.user)[:50],
        },
    )


def _headers():
    return [
        _("Number"), _("Received at"), _("Title"), _("Device"), _("Category"), _("Priority"),
        _("Major fault"), _("Status"), _("Handler"), _("Resolved at"), _("Duration (minutes)"),
        _("Resolution"), _("Fault report"),
    ]  # fmt: skip


def _cells(row) -> list:
    o = row["order"]
    report = o.fault_report.number if o.has_report else (_("missing") if row["missing"] else "")
    return [
        o.number,
        timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
        o.title,
        row["device"],
        row["category"],
        o.priority,
        _("yes") if o.is_major else "",
        o.get_status_display(),
        row["handler"],
        timezone.localtime(o.resolved_at).strftime("%Y-%m-%d %H:%M") if o.resolved_at else "",
        "" if row["duration"] is None else row["duration"],
        o.resolution,
        report,
    ]


def _rows_for_export(request, month):
    return [_row(o) for o in fault_log.fault_log(user=request.user, month=month)]


@login_required
@require_GET
def fault_log_csv(request, month):
    _reader(request.user)
    first = _month(month)
    rows = _rows_for_export(request, first)
    response = StreamingHttpResponse(
        csv_stream(_headers(), (_cells(r) for r in rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="fault-log-{first:%Y-%m}.csv"'
    return response


@login_required
@require_GET
def fault_log_pdf(request, month):
    from django.utils.html import escape
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from itsm.pdf import cjk_font

    _reader(request.user)
    first = _month(month)
    rows = _rows_for_export(request, first)
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=7.5, leading=10)
    title = ParagraphStyle("title", fontName=font, fontSize=14, leading=20, spaceAfter=6)

    def p(text):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), body)

    headers = _headers()[:11] + [_headers()[12]]
    data = [[p(h) for h in headers]]
    for row in rows:
        cells = _cells(row)
        data.append([p(c) for c in cells[:11] + [cells[12]]])
    table = Table(data, repeatRows=1, colWidths=[28 * mm, 22 * mm, 45 * mm] + [19 * mm] * 9)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    buffer = BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm
    ).build(
        [
            Paragraph(
                escape(_("System running fault log %(month)s") % {"month": f"{first:%Y-%m}"}),
                title,
            ),
            table,
        ]
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fault-log-{first:%Y-%m}.pdf"'
    return response


class FaultReportForm(forms.Form):
    started_at = forms.DateTimeField(
        label=gettext_lazy("Fault began"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )
    ended_at = forms.DateTimeField(
        label=gettext_lazy("Service restored"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )
    cause = forms.CharField(
        label=gettext_lazy("Cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    impact = forms.CharField(
        label=gettext_lazy("Impact"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    actions = forms.CharField(
        label=gettext_lazy("Actions taken"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    prevention = forms.CharField(
        label=gettext_lazy("Prevention"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


def _local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


@login_required
@require_http_methods(["GET", "POST"])
def fault_report_page(request, number):
    _reader(request.user)
    order = (
        WorkOrder.objects.restrict(request.user, "view")
        .select_related("device", "category", "assignee__person")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise Http404
    report = FaultReport.objects.filter(work_order=order).first()
    refusal = fault_log.fault_report_refusal(request.user, order)
    if report is not None:
        initial = {
            "started_at": _local_input(report.started_at),
            "ended_at": _local_input(report.ended_at),
            "cause": report.cause,
            "impact": report.impact,
            "actions": report.actions,
            "prevention": report.prevention,
        }
    else:
        initial = {
            "started_at": _local_input(order.created_at),
            "ended_at": _local_input(order.resolved_at),
        }
    form = FaultReportForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        if form.is_valid():
            try:
                report = services.fault_report_save(
                    work_order=order, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Fault report %(number)s saved.") % {"number": report.number}
                )
                return redirect("incidents:fault_report", number=order.number)
    return render(
        request,
        "incidents/fault_report.html",
        {"order": order, "report": report, "form": form, "refusal": refusal},
    )
