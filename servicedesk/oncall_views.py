"""The on-call rota page: a month, day by day, with who is on call; supervisors add and
remove shifts here (administrators also in Django admin)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import oncall
from .forms import OnCallShiftForm
from .models import OnCallShift


def _month(request) -> tuple[int, int]:
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    if not 2000 <= year <= 2100:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


def _shift(year: int, month: int, step: int) -> str:
    index = year * 12 + month - 1 + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@login_required
def rota(request):
    refusal = oncall.oncall_refusal(request.user, "view")
    if refusal:
        raise PermissionDenied(refusal)
    year, month = _month(request)
    may_edit = not oncall.oncall_refusal(request.user, "edit")
    form = OnCallShiftForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(oncall.oncall_refusal(request.user, "edit"))
        if form.is_valid():
            try:
                shift = oncall.oncall_shift_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The shift was added to the rota."))
                local = timezone.localtime(shift.starts_at)
                return redirect(f"{reverse('servicedesk:oncall')}?month={local:%Y-%m}")
    return render(
        request,
        "servicedesk/oncall_rota.html",
        {
            "days": oncall.month_rota(user=request.user, year=year, month=month),
            "month": date(year, month, 1),
            "previous_month": _shift(year, month, -1),
            "next_month": _shift(year, month, 1),
            "now": oncall.on_call_now(),
            "form": form,
            "may_edit": may_edit,
            "today": timezone.localdate(),
        },
        status=400 if form is not None and form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def shift_delete(request, pk):
    shift = get_object_or_404(OnCallShift.objects.restrict(request.user, "view"), pk=pk)
    oncall.oncall_shift_delete(actor=request.user, shift=shift)
    messages.success(request, _("The shift was removed from the rota."))
    local = timezone.localtime(shift.starts_at)
    return redirect(f"{reverse('servicedesk:oncall')}?month={local:%Y-%m}")
