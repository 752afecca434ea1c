"""The page list, the language-of-parts tag and the form markup, without a browser."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from itsm.templatetags.itsm_a11y import lang_attr
from servicedesk.choices import Role
from servicedesk.forms import ProfileForm
from servicedesk.models import Person

from .pages import discover, routes

pytestmark = pytest.mark.django_db


def test_routes_come_from_the_url_configuration_without_admin_or_api():
    found = routes()
    assert {"", "incidents/", "incidents/<str:number>/", "changes/<str:number>/"} <= set(found)
    assert not [r for r in found if r.startswith(("admin/", "api/"))]


@override_settings(ROOT_URLCONF="tests.a11y.urls_probe")
def test_a_page_added_later_is_found_with_its_parameters_filled_from_links(make_person):
    user = make_person(Role.END_USER)
    pages, skipped = discover({"end_user": user, "anonymous": None})
    by_route = {page.route: page for page in pages}

    assert by_route["probe-reports/"].visits() == [("end_user", "/probe-reports/")]
    assert by_route["probe-reports/<int:pk>/"].visits() == [("end_user", "/probe-reports/7/")]
    # Not whole HTML pages: JSON and an htmx fragment are left out, and say why.
    assert skipped["probe-reports/data.json"].startswith("HTTP 200 application/json")
    assert skipped["probe-reports/fragment/"] == "HTTP 200 text/html"
    # Signed out, only the login page is a page; signed in, the staff queue is not one.
    assert list(by_route["accounts/login/"].seen_by) == ["anonymous"]
    assert "incidents/" not in by_route or "end_user" not in by_route["incidents/"].seen_by


@override_settings(ROOT_URLCONF="tests.a11y.urls_probe")
def test_roles_that_render_the_same_templates_are_checked_once(make_person):
    one, two = make_person(Role.END_USER), make_person(Role.END_USER)
    pages, _ = discover({"first": one, "second": two})
    home = next(page for page in pages if page.route == "")
    assert set(home.seen_by) == {"first", "second"}
    assert home.visits() == [("first", "/")]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("zh-hans", "How to reset a printer", ' lang="en"'),
        ("zh-hans", "打印机 Windows 驱动", ""),
        ("en", "IT运维服务平台", ' lang="zh-Hans"'),
        ("en", "Printer jams", ""),
        ("en", "2026-12-01", ""),
    ],
)
def test_text_in_the_other_language_is_marked(language, text, expected):
    with translation.override(language):
        assert lang_attr(text) == expected


def test_field_errors_have_the_ids_aria_describedby_points_at(end_user):
    form = ProfileForm({"phone": "", "mobile": "", "email": "not-an-email"},
                       instance=Person.objects.get(user=end_user))  # fmt: skip
    assert not form.is_valid()
    html = Template('{% include "itsm/_form_fields.html" %}').render(Context({"form": form}))
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html
    # The summary links to the field and is the element site.js focuses.
    assert "data-error-summary" in html
    assert 'href="#id_email"' in html
    assert 'autocomplete="email"' in html


def test_a_failed_submit_says_error_first_in_the_page_title(client, end_user):
    client.force_login(end_user)
    with translation.override("zh-hans"):
        response = client.post(
            reverse("servicedesk:profile"),
            {"phone": "", "mobile": "", "email": "not-an-email"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    title = response.content.decode().split("<title>")[1].split("</title>")[0]
    assert title.startswith("错误：")


def test_the_bell_speaks_its_unread_count(client, end_user):
    from servicedesk.notifications import notify

    notify(recipients=[end_user], subject="已派单", url="/", mail=False)
    client.force_login(end_user)
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notifications: 1 unread" in body
    assert 'aria-label="Notifications"' not in body


def test_the_bulk_dispatch_form_has_ids_of_its_own_beside_the_filter_form():
    from incidents.forms import BulkAssignForm

    assert BulkAssignForm()["assignee"].id_for_label == "id_bulk_assignee"
