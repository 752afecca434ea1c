"""Issue 16 item 12: the manager's home links to the reports dashboard once the reports
app serves it (route "reports:dashboard"), and works before it exists."""

from django.http import HttpResponse
from django.urls import include, path

from itsm.home import reports_url

dashboard_patterns = (
    [path("dashboard/", lambda request: HttpResponse("figures"), name="dashboard")],
    "reports",
)
urlpatterns = [
    path("reports/", include(dashboard_patterns)),
    path("", include("itsm.urls")),
]


def test_manager_home_links_to_the_dashboard_once_it_exists(client, manager, settings):
    settings.ROOT_URLCONF = __name__
    assert reports_url() == "/reports/dashboard/"
    client.force_login(manager)
    body = client.get("/").content.decode()
    assert 'href="/reports/dashboard/"' in body


def test_manager_home_works_before_the_dashboard_exists(client, manager):
    client.force_login(manager)
    response = client.get("/")
    assert response.status_code == 200
    assert reports_url() in ("", "/reports/")
    assert 'id="manager-reports"' in response.content.decode()
