"""Inspection pages: plans and approvals, today's round on a phone, records, discrepancies,
reports and their PDFs. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models.functions import Upper
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmdb.models import ConfigurationItem
from itsm.audit import audit_timeline
from itsm.workflow import Conflict

from . import rules, selectors, services
from .choices import DiscrepancyStatus
from .forms import DecisionForm, PlanForm, RecordForm, ReportForm
from .models import Discrepancy, InspectionPlan, InspectionReport, ResultLine
from .pdf import report_pdf, route_sheet_pdf
from .permissions import discrepancy_refusal, plan_refusal, report_create_refusal, report_refusal


def _reader(user):
    if not rules.is_reader(user):
        raise PermissionDenied(_("Inspections are for engineers, supervisors and approvers."))


def _get(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


def _errors(request, exc):
    if isinstance(exc, services.DuplicateRecord):
        messages.error(request, exc.as_html())
    elif isinstance(exc, Conflict):
        messages.error(request, exc.message)
    elif isinstance(exc, ValidationError):
        messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, str(exc))


# --- plans --------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request):
    _reader(request.user)
    return render(
        request,
        "inspections/plan_list.html",
        {
            "plans": selectors.plan_list(user=request.user)[:100],
            "can_create": not plan_refusal(request.user, None, "create"),
            "today": selectors.rounds_for(user=request.user, day=timezone.localdate()),
            "overdue": selectors.overdue_rounds(user=request.user)[:20]
            if rules.is_manager(request.user)
            else [],
        },
    )


def _plan_fields(data):
    return {
        k: data[k]
        for k in (
            "title",
            "content",
            "resources",
            "locations",
            "departments",
            "ci_classes",
            "engineers",
        )
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    refusal = plan_refusal(request.user, None, "create")
    if refusal:
        raise PermissionDenied(refusal)
    form = PlanForm(request.POST or None, initial={"engineers": [request.user]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.plan_create(actor=request.user, period=data["period"], **_plan_fields(data))
        messages.success(
            request,
            _("Plan %(number)s drafted with %(count)d devices.")
            % {"number": plan.number, "count": plan.devices.count()},
        )
        return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = _get(selectors.plan_get, user=request.user, pk=pk)
    refusal = plan_refusal(request.user, plan, "edit")
    if refusal:
        raise PermissionDenied(refusal)
    initial = {
        "period": plan.period,
        "title": plan.title,
        "content": plan.content,
        "resources": plan.resources,
        "locations": plan.locations.all(),
        "departments": plan.departments.all(),
        "ci_classes": plan.ci_classes.all(),
        "engineers": plan.engineers.all(),
    }
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                actor=request.user,
                lock_version=request.POST.get("lock_version"),
                period=form.cleaned_data["period"],
                **_plan_fields(form.cleaned_data),
            )
        except (Conflict, ValidationError) as exc:
            _errors(request, exc)
        else:
            return redirect(plan)
    return render(request, "inspections/plan_form.html", {"form": form, "plan": plan})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = _get(selectors.plan_get, user=request.user, pk=pk)
    report = InspectionReport.objects.filter(plan=plan).first()
    return render(
        request,
        "inspections/plan_detail.html",
        {
            "plan": plan,
            "rounds": selectors.plan_rounds(plan=plan),
            "approvals": selectors.plan_approvals(subject=plan),
            "timeline": audit_timeline(subject=plan),
            "report": report,
            "edit_refusal": plan_refusal(request.user, plan, "edit"),
            "submit_refusal": plan_refusal(request.user, plan, "submit"),
            "approve_refusal": plan_refusal(request.user, plan, "approve"),
            "report_refusal": report_create_refusal(request.user, plan) if report is None else "",
            "decision_form": DecisionForm(),
            "devices": plan.devices.count(),
            "done": plan.records.count(),
        },
    )


@login_required
@require_POST
def plan_action(request, pk, action):
    plan = _get(selectors.plan_get, user=request.user, pk=pk)
    version = request.POST.get("lock_version")
    try:
        if action == "submit":
            services.plan_submit(plan=plan, actor=request.user, lock_version=version)
            messages.success(request, _("Sent to the service supervisor for approval."))
        elif action in ("approve", "reject"):
            services.plan_decide(
                plan=plan,
                actor=request.user,
                approve=action == "approve",
                comment=request.POST.get("comment", ""),
                lock_version=version,
            )
            messages.success(request, _("Your decision is recorded."))
        elif action == "report":
            report = services.report_create(plan=plan, actor=request.user)
            return redirect(report)
        else:
            raise Http404
    except (Conflict, ValidationError) as exc:
        _errors(request, exc)
    return redirect(plan)


# --- rounds ---------------------------------------------------------------------------


@login_required
@require_GET
def today(request):
    _reader(request.user)
    rounds = list(selectors.rounds_for(user=request.user, day=timezone.localdate()))
    if len(rounds) == 1:
        return redirect(rounds[0])
    return render(request, "inspections/today.html", {"rounds": rounds})


def _round(request, pk):
    return _get(selectors.round_get, user=request.user, pk=pk)


@login_required
@require_GET
def round_page(request, pk):
    """The phone page: progress, scan or type a tag, or pick a device from the route."""
    round = _round(request, pk)
    tag = request.GET.get("tag", "").strip()[:50]
    if tag:
        ci = ConfigurationItem.objects.annotate(t=Upper("asset_tag")).filter(t=tag.upper()).first()
        if ci is None:
            messages.error(request, _("No device has the tag “%(tag)s”.") % {"tag": tag})
            if not plan_refusal(request.user, round.plan, "inspect"):
                services.unknown_tag_record(round=round, tag=tag, actor=request.user)
        else:
            return redirect("inspections:record_form", round.pk, ci.pk)
    rows = selectors.round_rows(round=round)
    done = sum(1 for row in rows if row["done"])
    return render(
        request,
        "inspections/round.html",
        {
            "round": round,
            "rows": rows,
            "done": done,
            "total": len(rows),
            "inspect_refusal": plan_refusal(request.user, round.plan, "inspect"),
        },
    )


def _lines_from(form, files):
    return [
        services.LineInput(
            item_id=item.pk,
            result=form.cleaned_data[f"result_{item.pk}"],
            note=form.cleaned_data[f"note_{item.pk}"],
            photo=files.get(f"photo_{item.pk}"),
        )
        for item in form.items
    ]


@login_required
@require_http_methods(["GET", "POST"])
def record_form(request, pk, ci_pk):
    round = _round(request, pk)
    ci = get_object_or_404(
        ConfigurationItem.objects.select_related("location__building", "ci_class", "responsible"),
        pk=ci_pk,
    )
    refusal = plan_refusal(request.user, round.plan, "inspect")
    first = round.records.filter(ci=ci).first()
    in_plan = round.plan.devices.filter(ci=ci).exists()
    template = services.checklist_for(ci_class=ci.ci_class)
    form = RecordForm(
        request.POST or None,
        request.FILES or None,
        items=template.items.order_by("order", "pk"),
        ci=ci,
    )
    if request.method == "POST" and not refusal and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_save(
                round=round,
                ci=ci,
                actor=request.user,
                lines=_lines_from(form, request.FILES),
                note=data["note"],
                observed=services.Observed(
                    responsible=data["observed_responsible"],
                    location=data["observed_location"],
                    ip_address=data["observed_ip"] or "",
                    seal_status=data["observed_seal"],
                    software=[s for s in data["software"].splitlines() if s.strip()],
                ),
                add_to_plan=request.POST.get("add_to_plan") == "1",
            )
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Record %(number)s saved for %(tag)s.")
                % {"number": record.number, "tag": ci.asset_tag},
            )
            return redirect(round)
    return render(
        request,
        "inspections/record_form.html",
        {
            "round": round,
            "ci": ci,
            "form": form,
            "first": first,
            "in_plan": in_plan,
            "refusal": refusal,
            "software": services.software_list(ci),
        },
    )


@login_required
@require_GET
def record_detail(request, pk):
    record = _get(selectors.record_get, user=request.user, pk=pk)
    return render(
        request,
        "inspections/record_detail.html",
        {
            "record": record,
            "timeline": audit_timeline(subject=record),
            "can_raise": not plan_refusal(request.user, record.plan, "inspect"),
            # Problems are the supervisor's (problem management); engineers open work orders.
            "can_raise_problem": rules.is_manager(request.user)
            and not plan_refusal(request.user, record.plan, "inspect"),
        },
    )


@login_required
@require_POST
def line_work_order(request, pk):
    line = get_object_or_404(ResultLine.objects.select_related("record"), pk=pk)
    _get(selectors.record_get, user=request.user, pk=line.record_id)
    try:
        work_order = services.line_raise_work_order(line=line, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, _("Work order %(number)s opened.") % {"number": work_order.number}
        )
    return redirect(line.record)


@login_required
@require_POST
def line_problem(request, pk):
    line = get_object_or_404(ResultLine.objects.select_related("record"), pk=pk)
    _get(selectors.record_get, user=request.user, pk=line.record_id)
    try:
        problem = services.line_raise_problem(line=line, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Problem %(number)s raised.") % {"number": problem.number})
    return redirect(line.record)


@login_required
@require_GET
def route_sheet(request, pk):
    round = _round(request, pk)
    entries = selectors.round_devices(round=round)
    data = route_sheet_pdf(round, entries, selectors.round_checklists(entries=entries))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="route-{round.pk}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request, pk):
    """Typing a paper round in: one row per device, failures only need ticking."""
    round = _round(request, pk)
    refusal = plan_refusal(request.user, round.plan, "inspect")
    entries = selectors.round_devices(round=round)
    checklists = selectors.round_checklists(entries=entries)
    if request.method == "POST" and not refusal:
        saved = 0
        for entry in entries:
            if entry.record or request.POST.get(f"done_{entry.ci_id}") != "1":
                continue
            items = checklists[entry.ci.ci_class_id]["items"]
            lines = []
            for item in items:
                value = request.POST.get(f"r_{entry.ci_id}_{item['id']}", "pass")
                lines.append(
                    services.LineInput(
                        item_id=item["id"],
                        result=value if value in ("pass", "fail", "na") else "pass",
                        note=request.POST.get(f"n_{entry.ci_id}", "") if value == "fail" else "",
                    )
                )
            try:
                services.record_save(
                    round=round,
                    ci=entry.ci,
                    actor=request.user,
                    lines=lines,
                    on_paper=True,
                    note=request.POST.get(f"n_{entry.ci_id}", ""),
                )
                saved += 1
            except (ValidationError, PermissionDenied) as exc:
                messages.error(
                    request,
                    f"{entry.ci.asset_tag}: " + " ".join(getattr(exc, "messages", [str(exc)])),
                )
        messages.success(request, _("%(count)d records typed in.") % {"count": saved})
        return redirect("inspections:paper_entry", round.pk)
    return render(
        request,
        "inspections/paper_entry.html",
        {"round": round, "entries": entries, "checklists": checklists, "refusal": refusal},
    )


# --- discrepancies ----------------------------------------------------------------------


@login_required
@require_GET
def discrepancy_list(request):
    _reader(request.user)
    status = request.GET.get("status", DiscrepancyStatus.OPEN)
    rows = list(selectors.discrepancy_list(user=request.user, status=status)[:200])
    for row in rows:
        row.refusal = discrepancy_refusal(request.user, row)
    return render(
        request,
        "inspections/discrepancy_list.html",
        {"rows": rows, "status": status, "statuses": DiscrepancyStatus.choices},
    )


@login_required
@require_POST
def discrepancy_decide(request, pk):
    row = get_object_or_404(Discrepancy.objects.restrict(request.user, "view"), pk=pk)
    try:
        services.discrepancy_decide(
            discrepancy=row,
            actor=request.user,
            accept=request.POST.get("decision") == "accept",
            note=request.POST.get("note", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(f"{reverse('inspections:discrepancy_list')}?{urlencode({'status': 'open'})}")


# --- reports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = _get(selectors.report_get, user=request.user, pk=pk)
    edit_refusal = report_refusal(request.user, report, "edit")
    form = ReportForm(
        request.POST or None,
        initial={"evaluation": report.evaluation, "suggestions": report.suggestions},
    )
    if request.method == "POST" and "explain" in request.POST:
        reasons = {
            int(key.removeprefix("why_")): value
            for key, value in request.POST.items()
            if key.startswith("why_") and key.removeprefix("why_").isdigit()
        }
        try:
            services.not_reached_explain(plan=report.plan, actor=request.user, reasons=reasons)
        except PermissionDenied as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Reasons saved."))
        return redirect(report)
    if request.method == "POST":
        if edit_refusal:
            raise PermissionDenied(edit_refusal)
        if form.is_valid():
            try:
                services.report_update(
                    report=report,
                    actor=request.user,
                    lock_version=request.POST.get("lock_version"),
                    **form.cleaned_data,
                )
            except (Conflict, ValidationError) as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Report saved."))
            return redirect(report)
    figures = (
        report.figures
        if report.status != "draft" and report.figures
        else selectors.report_figures(plan=report.plan)
    )
    return render(
        request,
        "inspections/report_detail.html",
        {
            "report": report,
            "figures": figures,
            "form": form,
            "edit_refusal": edit_refusal,
            "not_reached": selectors.not_reached(plan=report.plan)[:200]
            if not edit_refusal and not plan_refusal(request.user, report.plan, "inspect")
            else [],
            "submit_refusal": report_refusal(request.user, report, "submit"),
            "approve_refusal": report_refusal(request.user, report, "approve"),
            "approvals": selectors.plan_approvals(subject=report),
            "timeline": audit_timeline(subject=report),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def report_action(request, pk, action):
    report = _get(selectors.report_get, user=request.user, pk=pk)
    version = request.POST.get("lock_version")
    try:
        if action == "submit":
            services.report_submit(report=report, actor=request.user, lock_version=version)
            messages.success(request, _("Sent to the service supervisor for approval."))
        elif action in ("approve", "reject"):
            services.report_decide(
                report=report,
                actor=request.user,
                approve=action == "approve",
                comment=request.POST.get("comment", ""),
                lock_version=version,
            )
            messages.success(request, _("Your decision is recorded."))
        else:
            raise Http404
    except (Conflict, ValidationError) as exc:
        _errors(request, exc)
    return redirect(report)


@login_required
@require_GET
def report_pdf_view(request, pk):
    report = _get(selectors.report_get, user=request.user, pk=pk)
    data = report.pdf.read() if report.pdf else report_pdf(report)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.number}.pdf"'
    return response


__all__ = ["InspectionPlan"]
