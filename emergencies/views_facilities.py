"""Drills and facility incidents pages: thin over the selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from itsm.audit import audit_timeline
from itsm.workflow import Conflict

from . import forms, selectors, services
from .choices import DrillKind, FacilityIncidentStatus
from .permissions import READ_ROLES, drill_refusal, facility_incident_refusal, is_information_centre
from .views import _version


def _reader(user):
    from servicedesk.choices import Role
    from servicedesk.roles import user_has_role

    if not (user_has_role(user, *READ_ROLES, Role.APPROVER) or is_information_centre(user)):
        raise PermissionDenied(_("Drills and facility incidents are for IT staff and approvers."))


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def drill_list(request):
    _reader(request.user)
    refusal = drill_refusal(request.user)
    form = forms.DrillForm(request.POST or None)
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        if form.is_valid():
            try:
                drill = services.drill_record(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request, _("Drill %(number)s recorded.") % {"number": drill.number}
                )
                return redirect(drill)
    kind = request.GET.get("kind", "")
    kind = kind if kind in DrillKind.values else ""
    return render(
        request,
        "emergencies/drill_list.html",
        {
            "drills": selectors.drill_list(user=request.user, kind=kind)[:200],
            "kind": kind,
            "kinds": DrillKind.choices,
            "form": form,
            "refusal": refusal,
        },
    )


@login_required
@require_GET
def drill_detail(request, number):
    _reader(request.user)
    drill = selectors.drill_get(user=request.user, number=number)
    if drill is None:
        raise Http404
    return render(request, "emergencies/drill_detail.html", {"drill": drill})


@login_required
@require_GET
def facility_incident_list(request):
    _reader(request.user)
    status = request.GET.get("status", "")
    status = status if status in FacilityIncidentStatus.values else ""
    return render(
        request,
        "emergencies/facility_incident_list.html",
        {
            "incidents": selectors.facility_incident_list(user=request.user, status=status)[:200],
            "status": status,
            "statuses": FacilityIncidentStatus.choices,
            "can_create": not facility_incident_refusal(request.user, None, "create"),
        },
    )


def _incident_or_404(request, number):
    incident = selectors.facility_incident_get(user=request.user, number=number)
    if incident is None:
        raise Http404
    return incident


@login_required
@require_http_methods(["GET", "POST"])
def facility_incident_form(request, number=None):
    _reader(request.user)
    incident = _incident_or_404(request, number) if number else None
    refusal = facility_incident_refusal(request.user, incident, "edit" if incident else "create")
    if refusal:
        raise PermissionDenied(refusal)
    initial = {}
    if incident is not None:
        initial = {name: getattr(incident, name) for name in services.facilities.INCIDENT_FIELDS}
    form = forms.FacilityIncidentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if incident is None:
                incident = services.facility_incident_create(
                    actor=request.user, **form.cleaned_data
                )
            else:
                incident = services.facility_incident_update(
                    incident=incident,
                    actor=request.user,
                    lock_version=_version(request),
                    **form.cleaned_data,
                )
        except Conflict as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Report %(number)s saved.") % {"number": incident.number})
            return redirect(incident)
    return render(
        request, "emergencies/facility_incident_form.html", {"form": form, "incident": incident}
    )


@login_required
@require_GET
def facility_incident_detail(request, number):
    _reader(request.user)
    incident = _incident_or_404(request, number)
    return render(
        request,
        "emergencies/facility_incident_detail.html",
        {
            "incident": incident,
            "refusals": {
                action: facility_incident_refusal(request.user, incident, action)
                for action in ("edit", "review", "report")
            },
            "review_form": forms.FacilityReviewForm(),
            "report_form": forms.FacilityReportForm(),
            "timeline": audit_timeline(subject=incident),
        },
    )


@login_required
@require_POST
def facility_incident_act(request, number, action):
    _reader(request.user)
    incident = _incident_or_404(request, number)
    try:
        if action == "review":
            services.facility_incident_review(
                incident=incident,
                actor=request.user,
                comment=request.POST.get("comment", ""),
                lock_version=_version(request),
            )
            messages.success(request, _("Report reviewed."))
        elif action == "report":
            services.facility_incident_report(
                incident=incident,
                actor=request.user,
                reported_to=request.POST.get("reported_to", ""),
                lock_version=_version(request),
            )
            messages.success(request, _("Report sent upward."))
        else:
            raise Http404
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(incident)
