"""The work-order page and what is done from it: its action panels (each form loaded when
opened, posted back with the page's `lock_version`), the resolve form's knowledge picker,
and the order's files."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from itsm import workflow
from knowledge import suggest_cache
from knowledge.selectors import record_get, record_suggest
from servicedesk.roles import is_staff_role

from . import forms, selectors, services
from .actions import ACTIONS, OPEN_FORMS, PANELS, actions_for, initial_form
from .choices import ServiceRecordStatus
from .countdowns import sla
from .service_records import selectors as record_selectors
from .views import _error_text, _files_lost_warning


def _unreviewed(work_order, service_records=None) -> list[str]:
    """The numbers of the order's service records the desk has not accepted yet."""
    if service_records is None:
        service_records = record_selectors.work_order_service_records(work_order=work_order)
    return [r.number for r in service_records if r.status != ServiceRecordStatus.ACCEPTED]


def _render_detail(request, work_order, *, bound=None, status=200):
    user = request.user
    staff = is_staff_role(user)
    selectors.sees_internal(user, work_order, fresh=True)  # read just now: no query
    service_records = record_selectors.work_order_service_records(work_order=work_order)
    actions, refused = actions_for(user, work_order, _unreviewed(work_order, service_records))
    # Only the forms shown open are built here; a folded panel loads its form when opened
    # (`act` answers GET), which spared the desk's page ~30 widgets it rarely uses.
    action_forms = {
        a: initial_form(a, work_order)
        for a in OPEN_FORMS
        if a in actions and (a != "complain" or work_order.requester_id == user.pk)
    }
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    now = timezone.now()
    context = {
        "work_order": work_order,
        "staff": staff,
        "timeline": selectors.work_order_timeline(user=user, work_order=work_order),
        "attachments": selectors.work_order_attachments(user=user, work_order=work_order),
        "actions": actions,
        "refused": refused,
        "forms": action_forms,
        "response_sla": sla(
            work_order, work_order.response_due_at, now, done=bool(work_order.responded_at)
        ),
        "resolve_sla": sla(work_order, work_order.resolve_due_at, now),
        "open": work_order.is_open,
        "bound_action": bound[0] if bound is not None else "",
        "complaints": selectors.work_order_complaints(user=user, work_order=work_order),
        "service_records": service_records,
    }
    if staff:
        context["panels"] = [
            {
                "action": action,
                "title": title,
                # None: the panel loads its form when opened
                "form": action_forms.get(action),
                "open": bound is not None and bound[0] == action,
            }
            for action, title in PANELS
            if action in actions
        ]
        # What the state allows but this user may not: greyed, with the reason.
        context["refused_panels"] = [
            {"title": title, "reason": refused[action]}
            for action, title in PANELS
            if action in refused
        ]
        context["device_orders"] = selectors.device_open_work_orders(
            user=user, work_order=work_order
        )
        context["links"] = selectors.work_order_links(work_order=work_order)
        # A cached answer goes in place now; a miss is loaded by the panel (htmx).
        context["knowledge_panel"] = suggest_cache.cached_html(user, work_order.title)
    template = "incidents/work_order_detail.html"
    return render(request, template, context, status=status)


@login_required
def detail(request, number):
    work_order = selectors.work_order_get(user=request.user, number=number)
    return _render_detail(request, work_order)


def _posted_lock_version(data) -> int | None:
    posted = data.get("lock_version", "")
    return int(posted) if posted.isdecimal() else None


def _action_form(request, work_order, action):
    """One action's form: what a folded panel of the work-order page loads when opened
    (htmx), or, without scripts, a page of its own.

    It carries the `lock_version` of the page it was opened from, so a change made since
    that page was read is still refused when the form is sent.
    """
    unreviewed = _unreviewed(work_order) if action == "callback" else ()
    available, refused = actions_for(request.user, work_order, unreviewed)
    title = dict(PANELS).get(action) or _("Send")  # the answers shown open have no panel
    partial = request.headers.get("HX-Request") == "true"
    if action in available:
        reason, status = "", 200
    elif action in refused:
        reason, status = refused[action], 403
    else:
        # Not in this state (changed since the page was read, or a typed address).
        reason = str(services.REFUSED % {"status": work_order.get_status_display()})
        status = 409
    lock_version = _posted_lock_version(request.GET)
    context = {
        "work_order": work_order,
        "action": action,
        "label": title,
        "form": initial_form(action, work_order) if not reason else None,
        "reason": reason,
        "lock_version": work_order.lock_version if lock_version is None else lock_version,
    }
    if partial:
        # htmx swaps only 2xx answers: the reason is shown in the panel all the same.
        return render(request, "incidents/_action_panel.html", context)
    return render(request, "incidents/action_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def act(request, number, action):
    """One action from the work-order page; the posted `lock_version` guards against lost
    updates. GET answers the action's form (`_action_form`).

    On any refusal the page is shown again with the message and the typed text kept.
    """
    work_order = selectors.work_order_get(user=request.user, number=number)
    if action not in ACTIONS:
        raise PermissionDenied
    if request.method == "GET":
        return _action_form(request, work_order, action)
    form_class, call = ACTIONS[action]
    form = form_class(request.POST, request.FILES or None, prefix=action)
    lock_version = _posted_lock_version(request.POST)
    if not form.is_valid():
        _files_lost_warning(request, form)
        return _render_detail(request, work_order, bound=(action, form), status=400)
    try:
        call(work_order, request.user, form.cleaned_data, lock_version)
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
        messages.error(request, _error_text(exc))
        status = 400
    else:
        messages.success(request, _("Saved."))
        return redirect("incidents:detail", number=work_order.number)
    if request.FILES:
        messages.warning(request, _("Your text was kept, but the files must be chosen again."))
    work_order = selectors.work_order_get(user=request.user, number=number)
    return _render_detail(request, work_order, bound=(action, form), status=status)


# The resolve form's knowledge field, as the picker's answers name and target it.
KNOWLEDGE_FIELD = "resolve-knowledge_record"
KNOWLEDGE_NUMBER = re.compile(r"^[A-Za-z]\d{2,4}-\d+$|^\d+$")  # K01-…, D0303-…


@login_required
def knowledge_pick(request):
    """HTML partials for the resolve form's knowledge picker (htmx).

    `?pick=<number>`: the field again, with that record's number in it and its title
    under it. Otherwise the published records matching the words typed (`q`, or the
    field's own value as htmx sends it), as buttons that pick one; nothing for a number
    (the field takes it as it is) or for a single character. The knowledge base's own
    search decides what `request.user` may find (end users public records only, staff
    internal ones too).
    """
    number = request.GET.get("pick")
    if number is not None:
        record = record_get(user=request.user, number=number.strip())
        field = forms.ResolveForm(prefix="resolve", initial={"knowledge_record": record.number})[
            "knowledge_record"
        ]
        field.field.widget.chosen = f"{record.number} · {record.title}"
        return render(request, "incidents/_knowledge_picked.html", {"field": field})
    query = (request.GET.get("q") or request.GET.get(KNOWLEDGE_FIELD) or "").strip()[:200]
    if len(query) < 2 or KNOWLEDGE_NUMBER.match(query):
        query = ""  # one character finds too much to be worth asking
    records = record_suggest(user=request.user, query=query) if query else []
    return render(
        request,
        "incidents/_knowledge_pick.html",
        {"records": records, "query": query, "picker": f"id_{KNOWLEDGE_FIELD}-picker"},
    )


@login_required
def attachment_download(request, number, pk):
    """Permission-checked download under the original (often Chinese) name, never inline."""
    work_order = selectors.work_order_get(user=request.user, number=number)
    attachment = selectors.attachment_get(user=request.user, work_order=work_order, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
