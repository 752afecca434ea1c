"""Who sees which reports: for every role the list, the object check, the page and the
API agree; the approvals inbox lists what the viewer can sign."""

from datetime import date

import pytest

from itsm.approvals import pending_for
from itsm.permissions import permits
from reports import services
from reports.models import Report
from reports.periods import Period
from servicedesk.choices import ApprovalBody, Role

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("in_english", "report_data"),
]

TODAY = date(2026, 11, 3)


@pytest.fixture
def reports(fake_sections, supervisor):
    """A draft service summary and a confirmed operations report (needs the client)."""
    draft = services.report_generate(
        type="service_summary", period=Period.month(2026, 9), actor=supervisor, today=TODAY
    )
    ops = services.report_generate(
        type="operations_month", period=Period.month(2026, 9), actor=supervisor, today=TODAY
    )
    ops = services.report_confirm(report=ops, actor=supervisor, lock_version=None)
    return {"draft": draft, "ops": ops}


def _user(make_person, role):
    if role == "approver_body":
        return make_person(Role.APPROVER, approval_body=ApprovalBody.INFORMATION_CENTRE)
    return make_person(role)


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (Role.MANAGER, {"draft", "ops"}),
        (Role.SUPERVISOR, {"draft", "ops"}),
        (Role.ADMIN, {"draft", "ops"}),
        ("approver_body", {"ops"}),
        (Role.APPROVER, set()),  # an approver of no client body
        (Role.ENGINEER, set()),
        (Role.SERVICE_DESK, set()),
        (Role.END_USER, set()),
    ],
)
def test_list_object_page_and_api_agree(client, make_person, reports, role, visible):
    user = _user(make_person, role)
    listed = set(Report.objects.restrict(user, "view").values_list("pk", flat=True))
    assert listed == {reports[name].pk for name in visible}
    client.force_login(user)
    for name, report in reports.items():
        assert permits(user, report, "view") == (name in visible)
        page = client.get(report.get_absolute_url())
        assert page.status_code == (200 if name in visible else 404)
        api = client.get(f"/api/reports/{report.number}/")
        assert api.status_code in ((200,) if name in visible else (403, 404))
    api_list = client.get("/api/reports/")
    if visible:
        assert {row["number"] for row in api_list.json()["results"]} == {
            reports[name].number for name in visible
        }
    else:
        assert api_list.status_code == 403 or api_list.json()["count"] == 0


def test_the_inbox_lists_what_the_viewer_can_sign(make_person, supervisor, manager, reports):
    body_approver = _user(make_person, "approver_body")
    mine = {d.number: d for d in pending_for(supervisor) if d.process == "reports"}
    assert set(mine) == {reports["draft"].number}
    assert mine[reports["draft"].number].url == reports["draft"].get_absolute_url()
    theirs = {d.number for d in pending_for(body_approver) if d.process == "reports"}
    assert theirs == {reports["ops"].number}
    assert not [d for d in pending_for(manager) if d.process == "reports"]


def test_the_inbox_reads_a_fixed_number_of_queries(
    make_person, supervisor, fake_sections, django_assert_max_num_queries
):
    from reports.approvals import report_decisions_pending

    for month in range(1, 10):
        services.report_generate(
            type="service_summary", period=Period.month(2026, month), actor=supervisor,
            today=TODAY,
        )  # fmt: skip
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    with django_assert_max_num_queries(3):
        assert len(report_decisions_pending(supervisor)) == 9
