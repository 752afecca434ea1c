import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import selectors, services
from .choices import Role
from .forms import ProfileForm
from .models import Department, Person
from .roles import is_staff_role, user_roles


@login_required
def profile(request):
    person = (
        Person.objects.select_related("department", "location__building", "service_level")
        .filter(user=request.user)
        .first()
    )
    if person is None:
        messages.warning(
            request, _("Your account has no profile yet. Please ask an administrator.")
        )
        return redirect("home")
    form = ProfileForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update_contact(
                person=person,
                phone=form.cleaned_data["phone"],
                mobile=form.cleaned_data["mobile"],
                email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your contact details were saved."))
            if person.pending_email:
                messages.info(
                    request,
                    _("We sent a link to %(email)s. The address is used once you open it.")
                    % {"email": person.pending_email},
                )
            return redirect("servicedesk:profile")
    role_labels = [
        Role(name).label for name in sorted(user_roles(request.user)) if name in Role.values
    ]
    return render(
        request,
        "servicedesk/profile.html",
        {"person": person, "form": form, "role_labels": role_labels},
    )


@login_required
def people(request):
    if not is_staff_role(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")
    department = request.GET.get("department") or None
    department_id = int(department) if department and department.isdecimal() else None
    people_qs = selectors.person_list(user=request.user, query=query, department_id=department_id)
    page = Paginator(people_qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "servicedesk/person_list.html",
        {
            "page": page,
            "query": query,
            "department_id": department_id,
            "departments": Department.objects.filter(is_active=True).order_by("code"),
        },
    )


@login_required
def calendar(request):
    if not is_staff_role(request.user):
        raise PermissionDenied
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdecimal() and 2000 <= int(year_param) <= 2100 else None
    year = year or timezone.localdate().year
    context = selectors.calendar_year(year=year)
    context.update(year=year, previous_year=year - 1, next_year=year + 1)
    return render(request, "servicedesk/calendar.html", context)


@login_required
def notifications(request):
    """In-app notifications, newest first; opening one marks it read and follows its link."""
    if request.method == "POST":
        pk = request.POST.get("notification")
        services.notifications_mark_read(
            user=request.user, pk=int(pk) if pk and pk.isdecimal() else None
        )
        target = request.POST.get("next", "")
        # Only a page of this site: "//evil.example" and "/\evil.example" are other hosts.
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect("servicedesk:notifications")
    return render(
        request,
        "servicedesk/notification_list.html",
        {"notifications": selectors.notification_list(user=request.user)},
    )


@login_required
def email_verify(request, token):
    try:
        services.email_verify(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("servicedesk:profile")


# The picker's field name and id come back in its own requests; only plain names are drawn.
_FIELD_NAME = re.compile(r"^[A-Za-z_][\w-]{0,80}$")
PICK_SHOWN = 10


@login_required
def person_pick(request):
    """HTML partials for the searchable person field (servicedesk.widgets, htmx).

    `?pick=<username>`: the field again with that username in it and the person's name
    under it. Otherwise the people matching what was typed (`q`, or the field's own
    value as htmx sends it) as buttons that pick one. Who may be found is
    `person_list`'s rule (staff everyone, others only themselves).
    """
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model

    from .widgets import PersonPickInput, person_label

    field = request.GET.get("field", "")
    field_id = request.GET.get("field_id", "") or f"id_{field}"
    if not (_FIELD_NAME.match(field) and _FIELD_NAME.match(field_id)):
        raise PermissionDenied(_("Unknown field."))
    username = request.GET.get("pick")
    if username is not None:
        visible = selectors.person_list(user=request.user).values("user_id")
        user = (
            get_user_model()
            .objects.filter(username=username, is_active=True, pk__in=visible)
            .select_related("person__department")
            .first()
        )
        widget = PersonPickInput()
        widget.chosen = person_label(user) if user else ""
        html = widget.render(field, user.get_username() if user else "", {"id": field_id})
        return HttpResponse(html)
    query = (request.GET.get("q") or request.GET.get(field) or "").strip()[:100]
    people = []
    if query:
        people = list(
            selectors.person_list(user=request.user, query=query).filter(user__is_active=True)[
                :PICK_SHOWN
            ]
        )
    return render(
        request,
        "servicedesk/_person_pick.html",
        {
            "people": people,
            "query": query,
            "field_id": field_id,
            "pick_query": urlencode({"field": field, "field_id": field_id}),
        },
    )
