"""Each role lands on the home it works from (issue 16 item 12)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from incidents import services as incidents
from itsm.home import home_kind
from problems.services import problem_create
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_order(end_user):
    """An open work order reported ten days ago: long past its resolution deadline."""

    def make(title="打印机卡纸"):
        return incidents.work_order_create(
            actor=end_user,
            requester=end_user,
            title=title,
            at=timezone.now() - timedelta(days=10),
        )

    return make


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("role", "kind"),
    [
        (Role.END_USER, "end_user"),
        (Role.APPROVER, "approver"),
        (Role.SERVICE_DESK, "staff"),
        (Role.ENGINEER, "staff"),
        (Role.SUPERVISOR, "supervisor"),
        (Role.MANAGER, "manager"),
    ],
)
def test_each_role_has_its_home(make_person, role, kind):
    assert home_kind(make_person(role)) == kind


def test_approver_lands_on_what_waits_for_their_decision(client, approver):
    body = page(client, approver)
    assert 'id="waiting-for-me"' in body
    assert "您审批的内容" in body  # links to changes, releases and documents
    assert 'id="kb-q"' not in body  # not the end user's page


def test_supervisor_reviews_breaches_complaints_and_problems(
    client, supervisor, end_user, late_order
):
    order = late_order(title="三楼打印机卡纸")
    incidents.complaint_raise(actor=end_user, description="工程师迟到两小时", work_order=order)
    problem_create(actor=supervisor, title="打印机反复卡纸")
    body = page(client, supervisor)
    breaches = body[body.index('id="review-breaches"') : body.index('id="review-complaints"')]
    assert order.number in breaches and "三楼打印机卡纸" in breaches
    complaints = body[body.index('id="review-complaints"') : body.index('id="review-problems"')]
    assert "工程师迟到两小时" in complaints
    assert "打印机反复卡纸" in body[body.index('id="review-problems"') :]


def test_supervisor_home_query_count_stays_flat(
    client, supervisor, end_user, late_order, django_assert_max_num_queries
):
    def seed():
        order = late_order()
        incidents.complaint_raise(actor=end_user, description="投诉", work_order=order)
        problem_create(actor=supervisor, title="问题")

    seed()
    client.force_login(supervisor)
    cache.clear()
    # Cold: the cached tables the rows' names come from (organisation, staff, categories)
    # are read too, as on any first page after a restart.
    with django_assert_max_num_queries(45) as few:
        client.get(reverse("home"))
    for _ in range(8):
        seed()
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("home")).content.decode()
    assert ">9</span>" in body  # the counts cover all, the lists show the first few


def test_manager_lands_on_the_figures(client, manager, late_order):
    late_order()  # last month or this month, depending on today
    body = page(client, manager)
    assert 'id="service-figures"' in body
    for text in ("本月至今", "上月", "响应率", "满意率", "&gt; 95 %"):
        assert text in body
    assert 'id="manager-reports"' in body


def test_manager_home_in_english(client, manager):
    client.cookies["django_language"] = "en"
    body = page(client, manager)
    assert "This month so far" in body and "Response rate" in body
