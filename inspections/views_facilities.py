"""Facility checks and backups pages: thin over the selectors and services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from itsm.audit import audit_timeline

from . import selectors, services
from .choices import ItemResult
from .forms import BackupRunForm, RestoreTestForm
from .permissions import backup_refusal, facility_refusal
from .views import _errors, _reader


def _get(selector, **kwargs):
    try:
        return selector(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


# --- facilities ------------------------------------------------------------------------


@login_required
@require_GET
def facility_list(request):
    _reader(request.user)
    return render(
        request,
        "inspections/facility_list.html",
        {
            "facilities": selectors.facility_list(user=request.user)[:200],
            "today": timezone.localdate(),
            "checks": selectors.facility_checks(user=request.user)[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_detail(request, pk):
    _reader(request.user)
    facility = _get(selectors.facility_get, user=request.user, pk=pk)
    refusal = facility_refusal(request.user, facility, "check")
    template = services.facility_checklist(kind=facility.kind)
    items = list(template.items.all())
    posted = {}
    if request.method == "POST" and refusal:
        raise PermissionDenied(refusal)
    if request.method == "POST":
        lines = []
        for item in items:
            line = services.FacilityLine(
                item_id=item.pk,
                result=request.POST.get(f"result_{item.pk}", ""),
                value=request.POST.get(f"value_{item.pk}", ""),
                note=request.POST.get(f"note_{item.pk}", ""),
            )
            posted[item.pk] = line
            lines.append(line)
        try:
            checked_on = date.fromisoformat(request.POST.get("checked_on", ""))
        except ValueError:
            checked_on = None
        try:
            if checked_on is None:
                raise ValidationError(_("Enter the date of the check."))
            check = services.facility_check_record(
                facility=facility,
                actor=request.user,
                lines=lines,
                checked_on=checked_on,
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            if check.passed:
                messages.success(
                    request, _("Check %(number)s recorded.") % {"number": check.number}
                )
            else:
                messages.warning(
                    request,
                    _("Check %(number)s recorded: some items failed.") % {"number": check.number},
                )
            return redirect(check.get_absolute_url())
    for item in items:
        item.posted = posted.get(item.pk)
    return render(
        request,
        "inspections/facility_detail.html",
        {
            "facility": facility,
            "refusal": refusal,
            "template": template,
            "items": items,
            "results": ItemResult.choices,
            "checks": selectors.facility_checks(user=request.user, facility=facility)[:50],
            "due_months": facility.schedule.due_months,
            "today": timezone.localdate(),
            "posted_date": request.POST.get("checked_on", "") or f"{timezone.localdate():%Y-%m-%d}",
            "posted_note": request.POST.get("note", ""),
        },
    )


@login_required
@require_GET
def facility_check_detail(request, pk):
    _reader(request.user)
    check = _get(selectors.facility_check_get, user=request.user, pk=pk)
    return render(
        request,
        "inspections/facility_check_detail.html",
        {"check": check, "timeline": audit_timeline(subject=check)},
    )


# --- backups ---------------------------------------------------------------------------


@login_required
@require_GET
def backup_list(request):
    _reader(request.user)
    today = timezone.localdate()
    return render(
        request,
        "inspections/backup_list.html",
        {
            "plans": selectors.backup_list(user=request.user)[:300],
            "overdue": selectors.overdue_backups(user=request.user, today=today).select_related(
                "department", "responsible__person"
            )[:100],
            "today": today,
        },
    )


@login_required
@require_GET
def backup_detail(request, pk):
    _reader(request.user)
    plan = _get(selectors.backup_get, user=request.user, pk=pk)
    today = f"{timezone.localdate():%Y-%m-%d}"
    return render(
        request,
        "inspections/backup_detail.html",
        {
            "plan": plan,
            "refusal": backup_refusal(request.user, plan, "record"),
            "run_form": BackupRunForm(initial={"performed_on": today}, prefix="run"),
            "test_form": RestoreTestForm(initial={"tested_on": today}, prefix="test"),
            "runs": plan.runs.select_related("recorded_by__person")[:50],
            "tests": plan.restore_tests.select_related("tested_by__person")[:20],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def backup_act(request, pk, action):
    _reader(request.user)
    plan = _get(selectors.backup_get, user=request.user, pk=pk)
    if action == "run":
        form = BackupRunForm(request.POST, prefix="run")
        service = services.backup_record
        done = _("Backup recorded.")
    elif action == "restore-test":
        form = RestoreTestForm(request.POST, prefix="test")
        service = services.restore_test_record
        done = _("Restore test recorded.")
    else:
        raise Http404
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(plan.get_absolute_url())
    try:
        service(plan=plan, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return redirect(plan.get_absolute_url())
