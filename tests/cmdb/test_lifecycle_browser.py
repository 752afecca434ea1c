"""In Chromium on a 390 px phone, in Chinese: the replacement candidates, spare demand and
tools pages fit the screen (their tables turn into cards), and a tool is taken out."""

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

WIDER = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table')].filter(
    t => t.offsetParent !== null && t.getBoundingClientRect().width > width + 1);
  return {page: document.documentElement.scrollWidth - width, tables: wide.length};
}"""


def test_lifecycle_pages_fit_a_phone(phone_context, browser_login, supervisor, location):
    from cmdb.models import AgeingRule, CIClass, PartType, Stock
    from cmdb.services import ci_create
    from cmdb.services.lifecycle import tool_register
    from itsm.actors import system_user

    desktop = CIClass.objects.get(code="desktop")
    AgeingRule.objects.create(ci_class=desktop, max_age_years=6, fault_count=3, fault_months=12)
    for n in range(3):
        ci_create(actor=system_user(), ci_class=desktop, asset_tag=f"PC-OLD-{n}",
                  name="财务处很旧的台式电脑" * 2, purchased_on=date(2015, 1, 1))  # fmt: skip
    part = PartType.objects.create(name="硒鼓", model="HP CF226A 黑色大容量")
    Stock.objects.create(part_type=part, location=location, quantity=1, minimum_level=4)
    tool_register(actor=supervisor, name="移动硬盘（系统镜像）", serial_number="WD-77120",
                  stores_data=True, owner=supervisor, location=location, check_in="空盘")  # fmt: skip
    browser_login(phone_context, supervisor)
    page = phone_context.new_page()
    for url in (
        reverse("cmdb:ageing_list"),
        reverse("cmdb:spare_demand") + "?months=12",
        reverse("cmdb:tool_list"),
        reverse("cmdb:cmdb_home"),
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate(WIDER) == {"page": 0, "tables": 0}, url
    page.goto(reverse("cmdb:tool_list"))
    page.fill("input[name=check_out]", "离场检查：无客户数据")
    page.click("form[action$='take-out/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "WD-77120 已离场。" in page.content()
    from cmdb.models import SiteTool

    assert SiteTool.objects.get().taken_out_on is not None
