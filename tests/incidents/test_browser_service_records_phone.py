"""At 390 px the service-record pages and the work order's records panel fit the screen
(the review list turns its rows into cards), in the browser."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.service_records import services as record_services

pytestmark = pytest.mark.django_db(transaction=True)

MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table')]
    .filter(t => t.getBoundingClientRect().width > width + 1 && t.offsetParent !== null).length;
  return {over: document.documentElement.scrollWidth - width, wide: wide};
}"""


def test_service_record_pages_fit_a_phone(phone_context, browser_login, end_user, agent, engineer):
    order = services.work_order_create(
        actor=end_user, requester=end_user, title="三楼东侧打印机无法打印，显示卡纸但无纸张"
    )
    order = services.work_order_assign(
        work_order=order, actor=agent, assignee=engineer, service_type="on_site"
    )
    now = timezone.now()
    record = record_services.service_record_create(
        work_order=order,
        actor=engineer,
        arrived_at=now - timedelta(minutes=45),
        left_at=now - timedelta(minutes=5),
        work_done="拆开打印机后盖，取出卡在定影组件处的碎纸片，清洁搓纸轮并打印测试页。" * 3,
        parts_used="搓纸轮 RM1-4006 一个",
    )
    browser_login(phone_context, agent)
    page = phone_context.new_page()
    for url in (
        reverse("incidents:service_records"),
        reverse("incidents:service_record", args=[record.number]),
        reverse("incidents:detail", args=[order.number]),
    ):
        assert page.goto(url).status == 200
        page.wait_for_load_state("networkidle")
        assert page.evaluate(MEASURE) == {"over": 0, "wide": 0}, url
