"""Thin pages over the selectors and services: parse, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents.models import WorkOrder
from itsm.audit import audit_timeline
from itsm.workflow import Conflict
from servicedesk.roles import user_has_role

from . import forms, resource_services, selectors, services
from .choices import EmergencyType, Status
from .models import EmergencyChange, EmergencyReport, FollowUpTask, ResourceRequest
from .permissions import (
    READ_ROLES,
    declare_refusal,
    emergency_refusal,
    is_information_centre,
    resource_refusal,
)


def _error_text(exc) -> str:
    return " ".join(str(m) for m in getattr(exc, "messages", [str(exc)]))


def _emergency_or_404(request, number):
    emergency = selectors.emergency_get(user=request.user, number=number)
    if emergency is None:
        raise Http404(_("No such emergency."))
    return emergency


def _version(request):
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdecimal() else None


@login_required
@require_GET
def emergency_list(request):
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    emergencies = selectors.emergency_list(user=request.user, status=status)[:200]
    return render(
        request,
        "emergencies/emergency_list.html",
        {
            "emergencies": emergencies,
            "status": status,
            "statuses": Status.choices,
            "can_declare": not declare_refusal(request.user),
        },
    )


@login_required
def emergency_declare(request):
    """Declare from a work order (?work_order=NUMBER): the 启动应急流程申请单."""
    workflow_refusal = declare_refusal(request.user)
    if workflow_refusal:
        raise PermissionDenied(workflow_refusal)
    number = request.GET.get("work_order") or request.POST.get("work_order_number", "")
    work_order = get_object_or_404(WorkOrder, number=number) if number else None
    form = forms.DeclareForm(
        request.POST or None,
        initial={
            "title": work_order.title if work_order else "",
            "commander": work_order.assignee_id if work_order else None,
            "service_tag": work_order.device.asset_tag if work_order and work_order.device else "",
            # From an antivirus outbreak: ?type=virus_outbreak preselects 大范围病毒爆发.
            "type": request.GET.get("type")
            if request.GET.get("type") in EmergencyType.values
            else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            emergency = services.emergency_declare(
                actor=request.user,
                work_order=work_order,
                title=data["title"],
                type=data["type"],
                severity=data["severity"],
                scope=data["scope"],
                commander=data["commander"],
                cause=data["cause"],
                service=data["service_tag"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("Emergency %(number)s declared.") % {"number": emergency.number}
            )
            return redirect(emergency)
    return render(
        request, "emergencies/emergency_form.html", {"form": form, "work_order": work_order}
    )


@login_required
@require_GET
def emergency_detail(request, number):
    emergency = _emergency_or_404(request, number)
    user = request.user
    refusals = {
        action: emergency_refusal(user, emergency, action)
        for action in ("approve", "work", "attach", "evaluate", "close")
    }
    resources = list(
        emergency.resource_requests.select_related(
            "requested_by__person", "decided_by__person", "confirmed_by__person"
        )
    )
    mine = emergency.resource_requests.all()
    decidable = set(mine.restrict(user, "decide").values_list("pk", flat=True))
    workable = set(mine.restrict(user, "work").values_list("pk", flat=True))
    for row in resources:
        row.decide_refusal = resource_refusal(user, row, "decide", permitted=row.pk in decidable)
        row.record_refusal = resource_refusal(user, row, "record", permitted=row.pk in workable)
    plans = {plan.round: plan for plan in emergency.plans.select_related("author__person")}
    context = {
        "emergency": emergency,
        "refusals": refusals,
        "can_record_oral": not declare_refusal(user) and emergency.status == Status.REQUESTED,
        "can_confirm": emergency.awaiting_confirmation and emergency.approved_by_id == user.pk,
        "close_refusal": services.close_refusal(emergency)
        if emergency.status == Status.EVALUATING
        else "",
        "impact": selectors.emergency_impact(emergency),
        "team": list(emergency.team.select_related("user__person")),
        "plan": plans.get(emergency.round),
        "plans": plans,
        "entries": list(emergency.entries.select_related("actor__person")),
        "updates": list(emergency.updates.select_related("author__person")),
        "children": selectors.emergency_children(emergency),
        "child_notes": selectors.children_notes(emergency),
        "resources": resources,
        "changes": list(emergency.change_links.select_related("change", "approved_by__person")),
        "outages": selectors.emergency_outages(emergency),
        "evaluations": list(
            emergency.evaluations.select_related("evaluated_by__person", "problem", "change")
        ),
        "follow_ups": list(emergency.follow_ups.select_related("assignee__person")),
        "measures": selectors.disaster_measures(),
        "timeline": audit_timeline(subject=emergency),
        "update_overdue": emergency.status == Status.ACTIVE
        and emergency.next_update_due_at
        and emergency.next_update_due_at <= timezone.now(),
        "forms": {
            "oral": forms.OralApprovalForm(),
            "team": forms.TeamMemberForm(),
            "entry": forms.EntryForm(),
            "attach": forms.AttachForm(),
            "outage": forms.OutageForm(),
            "resource": forms.ResourceForm(),
            "change": forms.ChangeForm(),
            "evaluation": forms.EvaluationForm(),
        },
    }
    return render(request, "emergencies/emergency_detail.html", context)


def _act(request, emergency, action, data):
    user, version = request.user, _version(request)
    text = data.get("text", "")
    if action == "approve":
        services.emergency_approve(emergency=emergency, actor=user, lock_version=version)
    elif action == "reject":
        services.emergency_reject(
            emergency=emergency, actor=user, reason=text, lock_version=version
        )
    elif action == "oral":
        form = forms.OralApprovalForm(data)
        _valid(form)
        services.emergency_record_oral_approval(
            emergency=emergency, actor=user, lock_version=version, **form.cleaned_data
        )
    elif action == "confirm":
        services.emergency_confirm_approval(emergency=emergency, actor=user)
    elif action == "activate":
        services.emergency_activate(emergency=emergency, actor=user, lock_version=version)
    elif action == "team":
        form = forms.TeamMemberForm(data)
        _valid(form)
        services.team_member_add(emergency=emergency, actor=user, **form.cleaned_data)
    elif action == "plan":
        services.plan_save(emergency=emergency, actor=user, content=text)
    elif action == "entry":
        form = forms.EntryForm(data)
        _valid(form)
        services.process_entry_add(emergency=emergency, actor=user, **form.cleaned_data)
    elif action == "update":
        services.status_update_send(emergency=emergency, actor=user, body=text)
    elif action == "attach":
        number = data.get("work_order", "").strip()
        work_order = WorkOrder.objects.filter(number=number).first()
        if work_order is None:
            raise ValidationError(_("No work order %(number)s.") % {"number": number})
        services.work_order_attach(emergency=emergency, actor=user, work_order=work_order)
    elif action == "restore":
        services.emergency_restore(
            emergency=emergency, actor=user, resolution=text, lock_version=version
        )
    elif action == "outage":
        form = forms.OutageForm(data)
        _valid(form)
        services.outage_record(emergency=emergency, actor=user, **form.cleaned_data)
    elif action == "outage-end":
        outage = get_object_or_404(selectors.emergency_outages_qs(emergency), pk=data.get("outage"))
        services.outage_end(outage=outage, actor=user)
    elif action == "resource":
        form = forms.ResourceForm(data)
        _valid(form)
        resource_services.resource_request_create(
            emergency=emergency, actor=user, **form.cleaned_data
        )
    elif action == "change":
        form = forms.ChangeForm(data)
        _valid(form)
        resource_services.emergency_change_raise(
            emergency=emergency, actor=user, **form.cleaned_data
        )
    elif action == "change-approve":
        link = get_object_or_404(EmergencyChange, pk=data.get("link"), emergency=emergency)
        resource_services.emergency_change_approve(link=link, actor=user)
    elif action == "evaluate-submit":
        services.emergency_submit_for_evaluation(
            emergency=emergency, actor=user, lock_version=version
        )
    elif action == "evaluate":
        form = forms.EvaluationForm(data)
        _valid(form)
        clean = form.cleaned_data
        services.emergency_evaluate(
            emergency=emergency,
            actor=user,
            outcome=clean["outcome"],
            opinion=clean["opinion"],
            problem_title=clean["problem_title"],
            change_summary=clean["change_summary"],
            follow_ups=[(clean["follow_up"], clean["follow_up_assignee"])],
            lock_version=version,
        )
    elif action == "follow-up-done":
        task = get_object_or_404(FollowUpTask, pk=data.get("task"), emergency=emergency)
        services.follow_up_done(task=task, actor=user)
    elif action == "close":
        services.emergency_close(emergency=emergency, actor=user, result=text, lock_version=version)
    else:
        raise Http404()


def _valid(form):
    if not form.is_valid():
        raise ValidationError(
            [
                f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
                for f, e in form.errors.items()
            ]
        )


@login_required
@require_POST
def emergency_act(request, number, action):
    emergency = _emergency_or_404(request, number)
    try:
        _act(request, emergency, action, request.POST)
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect(emergency.get_absolute_url() + f"#{action}")


@login_required
@require_POST
def resource_act(request, pk, action):
    resource = get_object_or_404(
        ResourceRequest.objects.all().restrict(request.user, "view"), pk=pk
    )
    version = _version(request)
    note = request.POST.get("text", "")
    try:
        if action == "approve":
            resource_services.resource_request_approve(
                request=resource, actor=request.user, note=note, lock_version=version
            )
        elif action == "reject":
            resource_services.resource_request_reject(
                request=resource, actor=request.user, note=note, lock_version=version
            )
        elif action == "result":
            resource_services.resource_request_record_result(
                request=resource,
                actor=request.user,
                result=note,
                cost=request.POST.get("cost") or None,
                lock_version=version,
            )
        elif action == "confirm":
            resource_services.resource_request_confirm(
                request=resource, actor=request.user, lock_version=version
            )
        else:
            raise Http404()
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect(resource.emergency.get_absolute_url() + "#resources")


@login_required
def attach_from_work_order(request, work_order):
    """One step from the queue: pick the open emergency this user's report belongs to."""
    order = get_object_or_404(WorkOrder, number=work_order)
    if not permits_work_order(request.user, order):
        raise Http404()
    emergencies = selectors.open_emergencies_for_attach(user=request.user)
    if request.method == "POST":
        emergency = get_object_or_404(emergencies, number=request.POST.get("emergency", ""))
        try:
            services.work_order_attach(emergency=emergency, actor=request.user, work_order=order)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _("%(order)s attached to %(emergency)s.")
                % {"order": order.number, "emergency": emergency.number},
            )
            return redirect(emergency)
    return render(
        request,
        "emergencies/attach.html",
        {
            "work_order": order,
            "emergencies": [e for e in emergencies if e.work_order_id != order.pk],
        },
    )


def permits_work_order(user, order) -> bool:
    from itsm.permissions import permits

    return permits(user, order, "view")


# --- the D0405 report ---------------------------------------------------------------------------


def _report_readers(user):
    if not (user_has_role(user, *READ_ROLES) or is_information_centre(user)):
        raise PermissionDenied(_("You cannot see emergency reports."))


@login_required
def report_list(request):
    _report_readers(request.user)
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = resource_services.report_create(actor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
        else:
            return redirect(report)
    reports = EmergencyReport.objects.select_related("reporter__person", "supervisor__person")
    return render(
        request,
        "emergencies/report_list.html",
        {"reports": reports[:100], "form": form, "can_create": not declare_refusal(request.user)},
    )


def _report(request, number):
    _report_readers(request.user)
    report = get_object_or_404(
        EmergencyReport.objects.select_related("reporter__person", "supervisor__person"),
        number=number,
    )
    return report, selectors.report_figures(starts_on=report.starts_on, ends_on=report.ends_on)


@login_required
@require_GET
def report_detail(request, number):
    report, figures = _report(request, number)
    return render(
        request,
        "emergencies/report_detail.html",
        {"report": report, "figures": figures, "can_sign": not declare_refusal(request.user)},
    )


@login_required
@require_POST
def report_sign(request, number):
    report, _figures = _report(request, number)
    try:
        resource_services.report_sign(report=report, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect(report)


@login_required
@require_GET
def report_pdf(request, number):
    from .pdf import report_pdf as render_pdf

    report, figures = _report(request, number)
    response = HttpResponse(render_pdf(report, figures), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.number}.pdf"'
    return response
