"""The fault form and the end user's list; the desk's queue, bulk dispatch, call intake and
complaints. The work-order page and its actions are in work_order_views."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmdb.selectors import ci_find_by_tag, ci_list_for_user
from itsm import workflow
from itsm.pagination import slice_page
from servicedesk.oncall import on_call_now
from servicedesk.roles import is_staff_role
from servicedesk.selectors import person_for_filing, person_list

from . import forms, permissions, selectors, services
from .choices import OPEN_STATUSES, Channel
from .countdowns import duration_text, row_sla
from .filters import WorkOrderFilter, queue_choices, queue_choices_apply


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
        row["resolve_sla"] = row_sla(row, now)
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
