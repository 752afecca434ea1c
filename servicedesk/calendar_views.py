"""Entering the State Council's holiday notice for a year (admins)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import calendar_notice_apply, calendar_notice_refusal
from .choices import CalendarDayKind
from .forms import CalendarNoticeForm
from .models import CalendarDay


def _lines(year: int, kind: str) -> str:
    """The year's current days of `kind`, as the form's lines (ranges folded)."""
    rows = list(CalendarDay.objects.filter(date__year=year, kind=kind).order_by("date"))
    lines, run = [], []
    for row in rows:
        if run and (row.date - run[-1].date).days == 1 and row.name == run[0].name:
            run.append(row)
            continue
        if run:
            lines.append(run)
        run = [row]
    if run:
        lines.append(run)
    out = []
    for group in lines:
        span = str(group[0].date) + (f"..{group[-1].date}" if len(group) > 1 else "")
        out.append(f"{span} {group[0].name}".strip())
    return "\n".join(out)


@login_required
def calendar_notice(request):
    refusal = calendar_notice_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    year_param = request.GET.get("year", "")
    this_year = timezone.localdate().year
    year = int(year_param) if year_param.isdecimal() else this_year + 1
    if not this_year - 1 <= year <= this_year + 2:
        year = this_year + 1
    form = CalendarNoticeForm(
        request.POST or None,
        initial={
            "holidays": _lines(year, CalendarDayKind.HOLIDAY),
            "workdays": _lines(year, CalendarDayKind.WORKDAY),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            calendar_notice_apply(
                actor=request.user,
                year=year,
                holidays_text=form.cleaned_data["holidays"],
                workdays_text=form.cleaned_data["workdays"],
                notice=form.cleaned_data["notice"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The calendar for %(year)d is confirmed.") % {"year": year})
            return redirect(reverse("servicedesk:calendar") + f"?year={year}")
    return render(request, "servicedesk/calendar_notice.html", {"form": form, "year": year})
