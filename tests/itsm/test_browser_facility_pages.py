"""The pages of facility checks, backups, drills, facility incidents and the fault log in
Chromium: no serious axe violation in Chinese and English, and nothing wider than a 390 px
phone (the whole-site crawls cap how many patterns they visit; these pages are checked here)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.a11y import axe
from tests.itsm.test_browser_staff_pages_phone import MEASURE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def facility_pages(migration_seed_data, supervisor, engineer, end_user, department):
    from cmdb.models import CIClass, ConfigurationItem
    from emergencies import services as emergency_services
    from incidents import services as incident_services
    from incidents.choices import Level3
    from inspections import services
    from inspections.choices import BackupMethod, FacilityKind
    from inspections.models import BackupPlan, Facility, FacilitySchedule
    from itsm.actors import system_user

    grid = Facility.objects.create(
        name="机关办公楼 防雷接地网",
        kind=FacilityKind.LIGHTNING,
        schedule=FacilitySchedule.objects.get(season_start_month=4),
        responsible=engineer,
        place="楼顶避雷针及地下接地网",
    )
    template = services.facility_checklist(kind=FacilityKind.LIGHTNING)
    check = services.facility_check_record(
        facility=grid,
        actor=engineer,
        lines=[
            services.FacilityLine(item_id=i.pk, value="4.6", result="pass")
            for i in template.items.all()
        ],
    )
    plan = BackupPlan.objects.create(
        department=department, system="财务软件账套", method=BackupMethod.STORAGE,
        responsible=engineer, location="存储阵列 卷 FIN",
    )  # fmt: skip
    services.backup_record(
        plan=plan, actor=engineer, performed_on=timezone.localdate(), result="ok", size_gb=12
    )
    drill = emergency_services.drill_record(
        actor=engineer, kind="power_cut", held_on=timezone.localdate() - timedelta(days=1),
        scenario="市电中断，切换 UPS 供电并检查剩余电量", participants="服务主管\n工程师",
        result="partly", findings="UPS 续航不足",
    )  # fmt: skip
    incident = emergency_services.facility_incident_create(
        actor=engineer, kind="power", title="市电中断 40 分钟",
        occurred_at=timezone.now() - timedelta(hours=3), place="办公楼全楼",
        description="供电局检修", cause="检修通知未送达", actions="切换 UPS",
    )  # fmt: skip
    server = ConfigurationItem.objects.create(
        asset_tag="SRV-01", name="登记系统服务器", ci_class=CIClass.objects.get(code="server")
    )
    order = incident_services.work_order_create(
        actor=system_user(), requester=end_user, title="登记系统无法访问，全楼业务中断",
        device=server, impact=Level3.HIGH, urgency=Level3.HIGH,
    )  # fmt: skip
    incident_services.work_order_resolve(work_order=order, actor=supervisor, resolution="重启")
    return [
        reverse("inspections:facility_list"),
        grid.get_absolute_url(),
        check.get_absolute_url(),
        reverse("inspections:backup_list"),
        plan.get_absolute_url(),
        reverse("emergencies:drills"),
        drill.get_absolute_url(),
        reverse("emergencies:facility_incidents"),
        reverse("emergencies:facility_incident_create"),
        incident.get_absolute_url(),
        reverse("incidents:fault_log"),
        reverse("incidents:fault_report", args=[order.number]),
    ]


def test_facility_pages_pass_axe_and_fit_a_phone(
    chromium_browser, live_server, browser_login, facility_pages, supervisor
):
    problems = []
    for locale, width in (("zh-CN", 390), ("en-US", 1280)):
        context = chromium_browser.new_context(
            base_url=live_server.url, locale=locale,
            viewport={"width": width, "height": 844}, bypass_csp=True,
        )  # fmt: skip
        browser_login(context, supervisor)
        page = context.new_page()
        for url in facility_pages:
            response = page.goto(url)
            assert response.status == 200, url
            page.wait_for_load_state("networkidle")
            found = axe.failing(axe.violations(page))
            if found:
                problems.append(axe.describe(f"{url} {locale} {width}px", found))
            if width == 390:
                measured = page.evaluate(MEASURE)
                if measured["page"] > 0 or measured["wide"]:
                    problems.append(f"{url}: wider than the phone {measured}")
        context.close()
    assert not problems, "\n".join(problems)
