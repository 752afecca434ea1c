"""Pages of the service records (运行服务单): the desk's review list, one record with its
three parties' steps, and the printable form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from itsm import workflow
from itsm.pagination import slice_page
from servicedesk.roles import is_staff_role

from ..choices import ServiceRecordStatus
from ..permissions import service_record_refusals
from . import selectors, services
from .forms import ConfirmForm, ReviewForm, ServiceRecordForm
from .pdf import service_record_pdf


@login_required
def service_record_list(request):
    """The records to review first (the desk's queue), or those of one review state."""
    if not is_staff_role(request.user):
        raise PermissionDenied(_("Only service staff can open the list of service records."))
    status = request.GET.get("status", ServiceRecordStatus.SUBMITTED)
    if status not in ServiceRecordStatus.values:
        status = ""
    records = selectors.service_record_list(user=request.user, status=status)
    page = slice_page(records, request.GET.get("page"), 50)
    return render(
        request,
        "incidents/service_record_list.html",
        {"page": page, "status": status, "statuses": ServiceRecordStatus.choices},
    )


def _forms(record, bound=None):
    result = {
        "write": ServiceRecordForm.for_record(record, prefix="write"),
        "confirm": ConfirmForm(prefix="confirm"),
        "confirm_paper": ConfirmForm(prefix="confirm_paper"),
        "review": ReviewForm(prefix="review"),
    }
    if bound is not None:
        result[bound[0]] = bound[1]
    return result


def _steps(record, refusals) -> dict[str, str]:
    """Which steps this record allows now, each with the refusal for this user ("" = may)."""
    pending = record.status != ServiceRecordStatus.ACCEPTED
    steps = {}
    if pending:
        steps["write"] = refusals["write"]
    if pending and record.confirmed_at is None:
        steps["confirm"] = refusals["confirm"]
        steps["confirm_paper"] = refusals["write"]
    if record.status == ServiceRecordStatus.SUBMITTED:
        steps["review"] = refusals["review"]
    return steps


def _render(request, record, *, bound=None, status=200):
    refusals = service_record_refusals(request.user, record)
    steps = _steps(record, refusals)
    return render(
        request,
        "incidents/service_record_detail.html",
        {
            "record": record,
            "wo": record.work_order,
            "parts": selectors.service_record_parts(record),
            "forms": _forms(record, bound),
            "may": {step for step, refusal in steps.items() if not refusal},
            "bound_step": bound[0] if bound else "",
        },
        status=status,
    )


@login_required
def service_record_detail(request, number):
    record = selectors.service_record_get(user=request.user, number=number)
    return _render(request, record)


# step → (form, service call(record, user, cleaned data, lock_version))
STEPS = {
    "write": (
        ServiceRecordForm,
        lambda r, u, d, v: services.service_record_update(
            record=r,
            actor=u,
            arrived_at=d["arrived_at"],
            left_at=d["left_at"],
            work_done=d["work_done"],
            parts_used=d["parts_used"],
            lock_version=v,
        ),
    ),
    "confirm": (
        ConfirmForm,
        lambda r, u, d, v: services.service_record_confirm(
            record=r, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "confirm_paper": (
        ConfirmForm,
        lambda r, u, d, v: services.service_record_confirm_paper(
            record=r, actor=u, note=d["note"], lock_version=v
        ),
    ),
    "review": (
        ReviewForm,
        lambda r, u, d, v: services.service_record_review(
            record=r,
            actor=u,
            accept=d["decision"] == "accept",
            reason=d["reason"],
            lock_version=v,
        ),
    ),
}


@login_required
@require_POST
def service_record_act(request, number, step):
    """One step on the record's page; any refusal shows the page again, the text kept."""
    record = selectors.service_record_get(user=request.user, number=number)
    if step not in STEPS:
        raise PermissionDenied
    form_class, call = STEPS[step]
    form = form_class(request.POST, prefix=step)
    posted = request.POST.get("lock_version", "")
    lock_version = int(posted) if posted.isdecimal() else None
    if not form.is_valid():
        return _render(request, record, bound=(step, form), status=400)
    try:
        call(record, request.user, form.cleaned_data, lock_version)
    except workflow.Conflict as exc:
        messages.error(request, exc.message)
        status = 409
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You are not allowed to do this."))
        status = 403
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.error(request, " ".join(exc.messages))
        status = 400
    else:
        messages.success(request, _("Saved."))
        return redirect("incidents:service_record", number=record.number)
    record = selectors.service_record_get(user=request.user, number=number)
    return _render(request, record, bound=(step, form), status=status)


@login_required
def service_record_print(request, number):
    """The printable record (PDF) with the three parties' sign lines."""
    record = selectors.service_record_get(user=request.user, number=number)
    response = HttpResponse(
        service_record_pdf(record, selectors.service_record_parts(record)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{record.number}.pdf"'
    return response
