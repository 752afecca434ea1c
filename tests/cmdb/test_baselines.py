import pytest
from django.urls import reverse
from django.utils import timezone

from cmdb.models import Baseline, CIClass
from cmdb.selectors import cmdb_monthly_summary
from cmdb.services import ci_update
from cmdb.services.baselines import baseline_compare, baseline_take
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def test_baseline_diff_added_removed_changed(supervisor, make_ci, department, make_person):
    kept = make_ci(asset_tag="PC-1", department=department, ip_address="10.0.0.1")
    leaving = make_ci(asset_tag="PC-2", department=department)
    make_ci(asset_tag="PC-OTHER")
    baseline = baseline_take(actor=supervisor, name="财务处基线", department=department)
    assert baseline.item_count == 2
    assert baseline_compare(baseline=baseline).is_empty

    ci_update(
        actor=SYSTEM(), ci=kept, ip_address="10.0.0.9", responsible=make_person(username="lilei")
    )
    ci_update(actor=SYSTEM(), ci=leaving, department=None)
    make_ci(asset_tag="PC-3", department=department)
    diff = baseline_compare(baseline=baseline)
    assert [row["asset_tag"] for row in diff.added] == ["PC-3"]
    assert [row["asset_tag"] for row in diff.removed] == ["PC-2"]
    ((row, changes),) = diff.changed
    assert row["asset_tag"] == "PC-1"
    assert ("IP address", "10.0.0.1", "10.0.0.9") in changes
    assert ("Responsible user", "", "lilei") in changes


def test_baseline_by_class_and_pages(
    client, supervisor, engineer, make_ci, django_assert_max_num_queries
):
    make_ci(asset_tag="PR-1", ci_class="printer")
    make_ci(asset_tag="PC-1")
    client.force_login(engineer)
    assert client.post(reverse("cmdb:baseline_list"), {"name": "x"}).status_code == 403
    client.force_login(supervisor)
    printer = CIClass.objects.get(code="printer")
    response = client.post(
        reverse("cmdb:baseline_list"), {"name": "打印机基线", "ci_class": printer.pk}
    )
    baseline = Baseline.objects.get()
    assert response.status_code == 302 and baseline.item_count == 1
    ci_update(
        actor=SYSTEM(), ci=make_ci(asset_tag="PR-2", ci_class="printer"), name="<b>新打印机</b>"
    )
    body = client.get(baseline.get_absolute_url()).content.decode()
    assert "PR-2" in body and "&lt;b&gt;" in body
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("cmdb:baseline_list"))
    for n in range(10):
        baseline_take(actor=supervisor, name=f"b{n}", ci_class=printer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cmdb:baseline_list"))


def test_monthly_summary_counts_changes_from_the_audit_log(client, supervisor, make_ci, department):
    ci = make_ci(asset_tag="PC-1")
    ci_update(actor=SYSTEM(), ci=ci, name="改名", reason="import 7")
    ci_update(actor=SYSTEM(), ci=ci, department=department, reason="census 三楼")
    baseline_take(actor=supervisor, name="基线", department=department)
    today = timezone.localdate()
    summary = cmdb_monthly_summary(year=today.year, month=today.month)
    rows = {label: (c, u, d) for label, c, u, d in summary["changes"]}
    assert rows["configuration items"] == (1, 2, 0)
    assert ("asset name", 1) in summary["fields"] and ("department", 1) in summary["fields"]
    assert dict(summary["reasons"]) == {"import": 1, "census": 1}
    assert [b.name for b in summary["baselines"]] == ["基线"]
    client.force_login(supervisor)
    body = client.get(reverse("cmdb:monthly_summary"), {"month": "bad"}).content.decode()
    assert "configuration items" in body and "基线" in body
