import re

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cmdb.selectors import ci_find_by_tag, ci_list_for_user
from itsm import workflow
from itsm.pagination import slice_page
from knowledge import suggest_cache
from knowledge.selectors import record_get, record_suggest
from servicedesk.oncall import on_call_now
from servicedesk.roles import is_staff_role
from servicedesk.selectors import person_for_filing, person_list

from . import forms, permissions, selectors, services
from .actions import ACTIONS, OPEN_FORMS, PANELS, actions_for, initial_form
from .choices import OPEN_STATUSES, Channel, ServiceRecordStatus, Status
from .filters import WorkOrderFilter, queue_choices, queue_choices_apply
from .service_records import selectors as record_selectors


def _user_devices(user):
    return ci_list_for_user(user=user)


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _files_lost_warning(request, form):
    if request.FILES and form.errors:
        messages.warning(request, _("Your text was kept, but the files must be chosen again."))


# --- end user ------------------------------------------------------------------------


@login_required
def report(request):
    """The fault form (报障). On any error the typed text comes back; files must be re-chosen."""
    devices = _user_devices(request.user)
    person = person_for_filing(request.user)
    initial = {"contact_phone": (person.mobile or person.phone) if person else ""}
    # "Report a fault for this device" on a device's page: its tag is filled in.
    tag = request.GET.get("asset_tag", "").strip()[:50]
    if tag:
        own = devices.filter(asset_tag__iexact=tag).values_list("pk", flat=True).first()
        initial.update({"device": own} if own else {"asset_tag": tag})
    form = forms.ReportForm(
        request.POST or None, request.FILES or None, devices=devices, initial=initial
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                work_order, filed = services.work_order_file(
                    idempotency_key=data["filing_key"],
                    actor=request.user,
                    requester=request.user,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    device=data["device"],
                    urgency=data["urgency"],
                    channel=Channel.WEB,
                    contact_phone=data["contact_phone"],
                    files=data["files"],
                )
            except ValidationError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(
                    request,
                    (
                        _("Thank you. Your work order number is %(number)s.")
                        if filed
                        else _("This report was already filed as %(number)s.")
                    )
                    % {"number": work_order.number},
                )
                return redirect("incidents:detail", number=work_order.number)
        _files_lost_warning(request, form)
    return render(request, "incidents/report_form.html", {"form": form})


@login_required
def mine(request):
    orders = selectors.work_order_list_mine(user=request.user)
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    return render(
        request, "incidents/work_order_mine.html", {"page": page, "open_statuses": OPEN_STATUSES}
    )


@login_required
def home_panel(request):
    """The home page's work-order card (loaded by htmx): mine for end users, counts for staff."""
    if is_staff_role(request.user):
        return render(
            request,
            "incidents/_home_staff.html",
            {"tabs": selectors.queue_tabs(request.user)},
        )
    open_orders = selectors.work_order_list_mine(user=request.user).filter(
        status__in=OPEN_STATUSES
    )[:10]
    return render(request, "incidents/_home_mine.html", {"orders": open_orders})


# --- detail and actions --------------------------------------------------------------


def duration_text(minutes: int) -> str:
    """“45 min”, “3 h 20 min”, “2 d 4 h”: countdowns people read at a glance."""
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def _countdown(due, now, *, paused: bool) -> dict:
    seconds = (due - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    return {
        "due": due,
        "minutes": minutes,
        "span": duration_text(minutes),
        "overdue": seconds < 0,
        "paused": paused,
    }


def _sla(work_order, due, now, *, done=False):
    """A countdown for a badge: whole minutes left or overdue; None once met or undated."""
    if due is None or done or not work_order.is_open:
        return None
    return _countdown(due, now, paused=work_order.status == Status.ON_HOLD)


def _row_sla(row: dict, now):
    """_sla for a queue row read as values (selectors.work_order_rows)."""
    due = row["resolve_due_at"]
    if due is None or row["status"] not in OPEN_STATUSES:
        return None
    return _countdown(due, now, paused=row["status"] == Status.ON_HOLD)


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
        "response_sla": _sla(
            work_order, work_order.response_due_at, now, done=bool(work_order.responded_at)
        ),
        "resolve_sla": _sla(work_order, work_order.resolve_due_at, now),
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


# --- staff ---------------------------------------------------------------------------


def _staff_only(user):
    if not is_staff_role(user):
        raise PermissionDenied(_("Only service staff can open the queue."))


# The queue page's own parameters; the rest of the query string is the filter form's.
QUEUE_PARAMS = ("queue", "page")


@login_required
def queue(request):
    """The staff queue. The URL holds the whole state (tab, filters, page), so a filtered
    queue can be shared and the back button returns to it: the filter form carries the
    tab, the tabs carry the filters, and a status the tab cannot hold (已关闭 under 未关闭)
    sends the page to 全部 with that status, in the URL too."""
    _staff_only(request.user)
    # Open work first: closed history would otherwise fill the first pages.
    current = request.GET.get("queue") or "open"
    if current not in selectors.QUEUES:
        current = None  # "all"
    status = request.GET.get("status") or ""
    if current and status and status not in selectors.queue_statuses(current):
        params = request.GET.copy()
        params["queue"] = "all"
        params.pop("page", None)
        return redirect(f"{request.path}?{params.urlencode()}")
    orders = selectors.work_order_list(user=request.user, queue=current)
    filterset = WorkOrderFilter(request.GET or None, queryset=orders)
    # The tabs carry the totals; the page itself never counts (COUNT(*) over a large
    # queue or a text search costs more than the page), it only knows if more follow.
    page = slice_page(filterset.qs.values_list("pk", flat=True), request.GET.get("page"), 50)
    page.object_list = selectors.work_order_rows(page.object_list)
    now = timezone.now()
    for row in page.object_list:
        row["resolve_sla"] = _row_sla(row, now)
    bulk_form = forms.BulkAssignForm()
    queue_choices_apply(queue_choices(), filterset.form, bulk_form)
    # A tab keeps the search and filters but not a status (each tab has its own).
    tab_filters = request.GET.copy()
    for name in (*QUEUE_PARAMS, "status"):
        tab_filters.pop(name, None)
    tab_filters = {key: value for key, value in tab_filters.items() if value}
    return render(
        request,
        "incidents/work_order_list.html",
        {
            "page": page,
            "filter": filterset,
            "tabs": selectors.queue_tabs(request.user),
            "complaints_open": (
                selectors.complaint_open_count()
                if permissions.may_handle_complaints(request.user)
                else None
            ),
            "current": current,
            "tab_query": urlencode(tab_filters),
            "filtered": any(value for key, value in request.GET.items() if key not in QUEUE_PARAMS),
            "bulk_form": bulk_form,
            "on_call": on_call_now(),
        },
    )


@login_required
@require_POST
def bulk_assign(request):
    """Dispatch the ticked rows one by one; each refusal is reported for its own row."""
    _staff_only(request.user)
    numbers = request.POST.getlist("numbers")
    form = forms.BulkAssignForm(request.POST)
    form.fields["numbers"].choices = [(n, n) for n in numbers]
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "incidents:queue"
    if not form.is_valid() or not numbers:
        messages.error(request, _("Tick at least one work order and choose an engineer."))
        return redirect(back)
    done, failed = [], []
    for number in numbers:
        try:
            work_order = selectors.work_order_get(user=request.user, number=number)
            services.work_order_assign(
                work_order=work_order,
                actor=request.user,
                assignee=form.cleaned_data["assignee"],
                team=form.cleaned_data["team"],
            )
        except Http404:
            failed.append(f"{number}: {_('not found')}")
        except (PermissionDenied, ValidationError, workflow.Conflict) as exc:
            text = _error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            failed.append(f"{number}: {text}")
        else:
            done.append(number)
    if done:
        messages.success(request, _("Dispatched: %(numbers)s") % {"numbers": ", ".join(done)})
    for line in failed:
        messages.error(request, line)
    return redirect(back)


def _caller_added(request):
    """The "new caller" form of the intake page: the person, or the bound form with errors."""
    from servicedesk.services import caller_create

    form = forms.CallerForm(request.POST, prefix="caller")
    if form.is_valid():
        try:
            return caller_create(actor=request.user, **form.cleaned_data), form
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return None, form


def _record_call(request, caller, data):
    """File the call's work order: for dispatch, or resolved on the call (measured)."""
    fields = {
        "actor": request.user,
        "requester": caller,
        "title": data["title"],
        "description": data["description"],
        "category": data["category"],
        "device": data["device"],
        "impact": data["impact"],
        "urgency": data["urgency"],
        "contact_phone": data["contact_phone"],
        "files": data["files"],
    }
    if data["outcome"] == "resolved":
        work_order = services.work_order_resolve_on_call(
            **fields,
            resolution=data["resolution"],
            knowledge_record_id=data["knowledge_record"],
            call_started_at=data["call_started"],
        )
        work_order = _classify_at_intake(request, work_order, data)
        seconds = work_order.guidance_seconds or 0
        messages.success(
            request,
            _("Work order %(number)s resolved on the call (guidance %(span)s; target 5 min).")
            % {"number": work_order.number, "span": duration_text(seconds // 60)},
        )
        return work_order
    work_order = services.work_order_create(**fields, channel=Channel.PHONE)
    work_order = _classify_at_intake(request, work_order, data)
    messages.success(request, _("Work order %(number)s recorded.") % {"number": work_order.number})
    if "keep_in_queue" in data and not data["keep_in_queue"]:
        try:
            assignee = services.work_order_route_out_of_hours(
                work_order=work_order, actor=request.user
            )
        except (PermissionDenied, ValidationError, workflow.Conflict) as exc:
            # The order is recorded; only the dispatch is left to do by hand.
            text = _error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            messages.warning(request, _("Not dispatched: %(reason)s") % {"reason": text})
            return work_order
        if assignee is not None:
            name = getattr(getattr(assignee, "person", None), "name", "") or assignee.username
            messages.info(
                request,
                _("Outside working hours: dispatched to %(name)s, who is on call.")
                % {"name": name},
            )
        else:
            messages.warning(
                request, _("Outside working hours and nobody is on call: it waits in the queue.")
            )
    return work_order


def _classify_at_intake(request, work_order, data):
    """A step beside the filing: the service type and response mode the desk chose on the
    call, when it chose any (otherwise nothing more is written)."""
    if not (data.get("service_type") or data.get("response_mode")):
        return work_order
    return services.work_order_classify(
        work_order=work_order,
        actor=request.user,
        service_type=data.get("service_type", ""),
        response_mode=data.get("response_mode", ""),
    )


@login_required
def intake(request):
    """Phone intake: find the caller (or add an unknown one), see their history and
    devices, record on their behalf; knowledge suggestions while typing, and the call's
    outcome: for dispatch, or resolved on the call."""
    if not permissions.user_has_role(request.user, *permissions.DESK_ROLES):
        raise PermissionDenied(_("Only the service desk records calls."))
    query = (request.GET.get("q") or "").strip()
    caller_form = None
    if request.method == "POST" and "caller-name" in request.POST:
        person, caller_form = _caller_added(request)
        if person is not None:
            messages.success(request, _("%(name)s added.") % {"name": person.name})
            return redirect(f"{request.path}?caller={person.user_id}")
    people, tag_device = [], None
    if query:
        people = list(person_list(user=request.user, query=query)[:20])
        tag_device = ci_find_by_tag(tag=query)
        if tag_device is not None and tag_device.responsible_id:
            responsible = getattr(tag_device.responsible, "person", None)
            if responsible is not None and responsible not in people:
                people.insert(0, responsible)
    if caller_form is None:
        # What was searched for is likely the new caller's number or name.
        digits = query.replace("-", "").replace(" ", "")
        initial = {"phone": query} if digits.isdecimal() else {"name": query}
        caller_form = forms.CallerForm(prefix="caller", initial=initial if query else None)
    caller = None
    caller_id = request.POST.get("caller") or request.GET.get("caller")
    if caller_id and caller_id.isdecimal():
        caller = get_object_or_404(
            get_user_model().objects.select_related("person__department"), pk=caller_id
        )
    on_call = on_call_now()
    context = {
        "query": query,
        "people": people,
        "tag_device": tag_device,
        "caller": caller,
        "caller_form": caller_form,
        "on_call": on_call,
    }
    if caller is not None:
        devices = _user_devices(caller)
        person = getattr(caller, "person", None)
        initial = {
            "contact_phone": (person.mobile or person.phone) if person else "",
            "device": tag_device.pk if tag_device is not None else None,
        }
        posted = request.method == "POST" and "caller-name" not in request.POST
        form = forms.IntakeForm(
            request.POST if posted else None,
            (request.FILES or None) if posted else None,
            devices=devices,
            initial=initial,
            out_of_hours=on_call.out_of_hours,
        )
        if posted:
            if form.is_valid():
                try:
                    work_order = _record_call(request, caller, form.cleaned_data)
                except (ValidationError, PermissionDenied) as exc:
                    text = _error_text(exc) if isinstance(exc, ValidationError) else str(exc)
                    form.add_error(None, text)
                else:
                    return redirect("incidents:detail", number=work_order.number)
            _files_lost_warning(request, form)
        context.update(
            form=form,
            recent=selectors.requester_recent(requester=caller),
            devices=list(devices[:20]),
        )
    return render(request, "incidents/intake.html", context)


@login_required
def complaints(request):
    """The supervisor's complaints: open ones first, each handled with an outcome."""
    workflow.require(permissions.complaint_handle_refusal(request.user))
    if request.method == "POST":
        complaint = get_object_or_404(selectors.complaint_list(), pk=request.POST.get("complaint"))
        form = forms.ComplaintHandleForm(request.POST, prefix=f"c{complaint.pk}")
        if form.is_valid():
            try:
                services.complaint_handle(
                    complaint=complaint,
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    cause=form.cleaned_data["cause"],
                )
            except (PermissionDenied, ValidationError) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(request, _("Saved."))
                return redirect("incidents:complaints")
        else:
            messages.error(request, _("Record the outcome."))
    rows = list(selectors.complaint_list()[:200])
    causes = list(selectors.complaint_causes())
    for row in rows:
        row.form = forms.ComplaintHandleForm(prefix=f"c{row.pk}", causes=causes)
    return render(request, "incidents/complaint_list.html", {"complaints": rows})
