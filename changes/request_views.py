"""Pages for requests for change from end users and the desk (changes.requests): one's own
requests and the change manager's triage list, a request form, and the request page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from itsm import workflow

from . import forms, requests
from .choices import ChangeOrigin, ChangeStatus
from .permissions import change_refusal
from .selectors import change_get


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(exc.messages))


def _url(change) -> str:
    return reverse("changes:request_detail", args=[change.number])


@login_required
def request_list(request):
    """My requests; for the change manager, the requests waiting to be triaged first."""
    workflow.require(change_refusal(request.user, None, "request"))
    return render(
        request,
        "changes/change_request_list.html",
        {
            "mine": requests.change_requests_mine(user=request.user)[:100],
            "to_triage": requests.change_requests_to_triage(user=request.user)[:200],
            "may_triage": not change_refusal(request.user, None, "triage"),
        },
    )


@login_required
def request_create(request):
    workflow.require(change_refusal(request.user, None, "request"))
    form = forms.ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = requests.change_request_raise(
                actor=request.user,
                summary=data["summary"],
                reason=data["reason"],
                needed_by=data["needed_by"],
                send="send" in request.POST,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _sent_or_saved(change))
            return redirect(_url(change))
    return render(request, "changes/change_request_form.html", {"form": form}, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _sent_or_saved(change) -> str:
    if change.status == ChangeStatus.SUBMITTED:
        return _("Request %(number)s sent to the change manager.") % {"number": change.number}
    return _("Request %(number)s saved as a draft.") % {"number": change.number}


def _request_or_404(request, number):
    change = change_get(user=request.user, number=number)
    if change is None or change.raised_via == ChangeOrigin.STAFF:
        raise Http404(_("No such change request."))
    return change


@login_required
def request_detail(request, number):
    """The request as its requester follows it; its draft form; the triage forms."""
    change = _request_or_404(request, number)
    action = request.POST.get("action", "")
    editable = (
        change.status == ChangeStatus.DRAFT
        and change.owner_id is None
        and not change_refusal(request.user, change, "edit")
    )
    triage = change.status == ChangeStatus.SUBMITTED and change.owner_id is None
    triage = triage and not change_refusal(request.user, change, "triage")
    initial = {
        "summary": change.summary,
        "reason": change.reason,
        "needed_by": change.needed_by,
        "lock_version": change.lock_version,
    }
    version = {"lock_version": change.lock_version}
    edit_form = forms.ChangeRequestForm(request.POST if action == "edit" else None, initial=initial)
    take_up_form = forms.TakeUpForm(
        request.POST if action == "take_up" else None, initial=version, prefix="take_up"
    )
    decline_form = forms.DeclineForm(
        request.POST if action == "decline" else None, initial=version, prefix="decline"
    )
    bound = {"edit": edit_form, "take_up": take_up_form, "decline": decline_form}.get(action)
    if request.method == "POST" and bound is not None and bound.is_valid():
        data = bound.cleaned_data
        try:
            if action == "edit":
                change = requests.change_request_update(
                    change=change,
                    actor=request.user,
                    summary=data["summary"],
                    reason=data["reason"],
                    needed_by=data["needed_by"],
                    send="send" in request.POST,
                    lock_version=data["lock_version"],
                )
                messages.success(request, _sent_or_saved(change))
            elif action == "take_up":
                change = requests.change_request_take_up(
                    change=change,
                    actor=request.user,
                    owner=data["owner"],
                    note=data["note"],
                    lock_version=data["lock_version"],
                )
                messages.success(request, _("Taken up: the implementer plans it now."))
                return redirect(change)
            else:
                requests.change_request_decline(
                    change=change,
                    actor=request.user,
                    note=data["note"],
                    lock_version=data["lock_version"],
                )
                messages.success(request, _("The request was declined."))
            return redirect(_url(change))
        except workflow.Conflict as exc:
            bound.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(bound, exc)
    return render(
        request,
        "changes/change_request_detail.html",
        {
            "change": change,
            "editable": editable,
            "triage": triage,
            "edit_form": edit_form,
            "take_up_form": take_up_form,
            "decline_form": decline_form,
            "may_read_changes": not change_refusal(request.user, None, "view"),
        },
        status=400 if bound is not None and bound.is_bound and bound.errors else 200,
    )
