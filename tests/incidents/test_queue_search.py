"""The queue's search: besides number and title, the caller's name, the department, the
device's asset tag and the description, through the same term index (no LIKE scans)."""

import pytest
from django.urls import reverse

from incidents import selectors, services
from itsm.actors import system_user
from servicedesk.choices import Role
from servicedesk.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def printer(db):
    from cmdb.models import CIClass
    from cmdb.services import ci_create

    return ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="server"),
        asset_tag="PC-0301",
        name="三楼打印机",
    )


@pytest.fixture
def orders(make_person, agent, printer):
    archive = Department.objects.create(name="档案室", code="archive")
    caller = make_person(Role.END_USER, name="欧阳晓明", department=archive)
    found = services.work_order_create(
        actor=agent,
        requester=caller,
        title="无法打印",
        description="提示硒鼓寿命已尽",
        device=printer,
    )
    other = services.work_order_create(
        actor=agent, requester=make_person(Role.END_USER, name="李四"), title="网络断开"
    )
    return found, other


@pytest.mark.parametrize("query", ["欧阳晓明", "晓明", "档案室", "PC-0301", "pc-0301", "硒鼓"])
def test_search_finds_by_caller_department_asset_tag_and_description(agent, orders, query):
    found, other = orders
    rows = selectors.work_order_list(user=agent, filters={"q": query})
    assert list(rows.values_list("pk", flat=True)) == [found.pk]


def test_a_corrected_device_is_found_by_its_new_tag(agent, orders, printer):
    from cmdb.models import CIClass
    from cmdb.services import ci_create

    _found, other = orders
    laptop = ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="server"),
        asset_tag="NB-77",
        name="笔记本",
    )
    services.work_order_triage(work_order=other, actor=agent, device=laptop)
    rows = selectors.work_order_list(user=agent, filters={"q": "NB-77"})
    assert list(rows.values_list("pk", flat=True)) == [other.pk]


def test_search_uses_the_index_not_a_scan_of_names(agent, orders, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Built inside the capture: on PostgreSQL the term lookup runs while the list is built
    # (a first pass for the matching ids), on SQLite when it is read.
    with CaptureQueriesContext(connection) as captured:
        rows = selectors.work_order_list(user=agent, filters={"q": "档案室"})
        list(rows.values_list("pk", flat=True))
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "incidents_workorderterm" in sql and "LIKE" not in sql.upper()


def test_the_searched_queue_keeps_a_flat_query_count(
    client, agent, make_person, printer, django_assert_max_num_queries
):
    def grow(n):
        for i in range(n):
            caller = make_person(Role.END_USER, name=f"王{i}明")
            services.work_order_create(
                actor=agent, requester=caller, title=f"打印机故障{i}", device=printer
            )

    grow(2)
    client.force_login(agent)
    url = reverse("incidents:queue") + "?queue=all&q=财务处"
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    assert response.status_code == 200
    grow(25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("D0201-") >= 27
