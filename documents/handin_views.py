"""Pages of the technical hand-ins (/documents/handins/): the due list, handing in one
period, and the supervisor's review of a monthly report. Thin over
documents.handin_selectors and documents.services.handins."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from itsm import workflow
from itsm.audit import audit_timeline

from . import forms, handin_periods, handin_selectors, permissions, services
from .choices import HandInKind
from .views import _download, _error_text, _form_errors, _lock_version


@login_required
@require_GET
def due_list(request):
    workflow.require(permissions.role_refusal(request.user, "read"))
    form = forms.HandInFilterForm(request.GET or None, people=handin_selectors.duty_people())
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"kind": data["kind"], "assignee_id": data["person"], "state": data["state"]}
    rows = handin_selectors.due_list(user=request.user, **filters)
    return render(
        request,
        "documents/handin_list.html",
        {
            "form": form,
            "rows": rows,
            "counts": handin_selectors.due_counts(rows),
            "me": request.user.pk,
        },
    )


def _period(duty, text: str) -> date:
    try:
        start = date.fromisoformat(text)
    except ValueError as exc:
        raise Http404("No such period.") from exc
    if not handin_periods.is_period_start(duty.kind, start):
        raise Http404("No such period.")
    return start


@login_required
def hand_in(request, duty, period):
    duty = handin_selectors.duty_get(user=request.user, pk=duty)
    start = _period(duty, period)
    handin = services.handin_for(duty=duty, period_start=start)
    refusal = permissions.handin_refusal(request.user, handin, "hand_in")
    initial = {"lock_version": handin.lock_version}
    if handin.pk:
        initial.update(
            title=handin.title,
            summary=handin.summary,
            link=handin.link,
            knowledge_number=handin.knowledge_record_number,
        )
    form = forms.HandInForm(request.POST or None, request.FILES or None, initial=initial)
    if duty.kind == HandInKind.MONTHLY:
        form.fields["summary"].required = True
    if request.method == "POST":
        permissions.require(refusal)
        if form.is_valid():
            data = form.cleaned_data
            try:
                handin = services.handin_submit(
                    actor=request.user,
                    duty=duty,
                    period_start=start,
                    title=data["title"],
                    summary=data["summary"],
                    file=data["file"],
                    link=data["link"],
                    knowledge_number=data["knowledge_number"],
                    lock_version=_lock_version(request),
                )
            except workflow.Conflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Handed in: %(title)s.") % {"title": handin.title})
                return redirect(handin)
        if request.FILES:
            messages.warning(request, _("Your text was kept, but the file must be chosen again."))
    return render(
        request,
        "documents/handin_form.html",
        {
            "form": form,
            "duty": duty,
            "handin": handin,
            "period_label": handin_periods.label(duty.kind, start),
            "refusal": refusal,
        },
    )


@login_required
@require_GET
def handin_detail(request, pk):
    handin = handin_selectors.handin_get(user=request.user, pk=pk)
    return render(
        request,
        "documents/handin_detail.html",
        {
            "handin": handin,
            "duty": handin.duty,
            "review_refusal": permissions.handin_refusal(request.user, handin, "review"),
            "hand_in_refusal": permissions.handin_refusal(request.user, handin, "hand_in"),
            "timeline": audit_timeline(subject=handin),
        },
    )


@login_required
@require_GET
def handin_file(request, pk):
    handin = handin_selectors.handin_get(user=request.user, pk=pk)
    if not handin.file:
        raise Http404("Nothing was uploaded.")
    return _download(handin)


_REVIEWS = {"accept": services.handin_accept, "return": services.handin_return}


@login_required
@require_POST
def handin_review(request, pk, action):
    if action not in _REVIEWS:
        raise Http404("No such action.")
    handin = handin_selectors.handin_get(user=request.user, pk=pk)
    try:
        handin = _REVIEWS[action](
            actor=request.user,
            handin=handin,
            note=request.POST.get("note", ""),
            lock_version=_lock_version(request),
        )
    except (workflow.Conflict, workflow.IllegalTransition) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if action == "accept":
            messages.success(
                request,
                _("Accepted and entered into the knowledge base as %(number)s.")
                % {"number": handin.entered_record_number},
            )
        else:
            messages.success(request, _("Returned for rework."))
    return redirect("documents:handin_detail", pk=handin.pk)
