"""The emergencies section (D0405) for a hand-built October: one virus outbreak handled in
six hours with one purchase, and its outage; the costs section reads the same cost."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from emergencies import resource_services
from emergencies import services as em
from emergencies.choices import EmergencyType, Outcome, ResourceKind, Severity
from incidents import services as wo
from reports.periods import Period
from reports.sections import costs
from reports.sections import emergencies as section
from servicedesk.choices import ApprovalBody, Role

from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db


def local(*args):
    """A Beijing wall-clock time (UTC+8)."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def outbreak(db, make_person, supervisor, engineer, agent, end_user):
    info = make_person(Role.APPROVER, username="info",
                       approval_body=ApprovalBody.INFORMATION_CENTRE)  # fmt: skip
    with time_machine.travel(local(2026, 10, 12, 9), tick=False) as clock:
        order = wo.work_order_create(actor=agent, requester=end_user, title="勒索病毒")
        virus = em.emergency_declare(
            actor=supervisor, work_order=order, type=EmergencyType.VIRUS_OUTBREAK,
            severity=Severity.CRITICAL, scope="财务处 23 台终端", commander=engineer,
            cause="钓鱼邮件附件",
        )  # fmt: skip
        virus = em.emergency_approve(emergency=virus, actor=info)
        virus = em.emergency_activate(emergency=virus, actor=engineer)
        purchase = resource_services.resource_request_create(
            emergency=virus, actor=engineer, kind=ResourceKind.PURCHASE,
            description="专杀工具授权", product="专杀工具", supplier="杀毒软件厂商", cost="6800",
        )  # fmt: skip
        resource_services.resource_request_approve(request=purchase, actor=supervisor)
        resource_services.resource_request_record_result(
            request=purchase, actor=engineer, result="已部署", cost="6500"
        )
        em.outage_record(emergency=virus, actor=engineer, service_name="财务处文件共享",
                         started_at=local(2026, 10, 12, 9), cause="文件被加密")  # fmt: skip
        clock.move_to(local(2026, 10, 12, 14))
        em.emergency_restore(emergency=virus, actor=engineer, resolution="已清除")
        em.emergency_submit_for_evaluation(emergency=virus, actor=engineer)
        em.emergency_evaluate(emergency=virus, actor=supervisor, outcome=Outcome.MET,
                              opinion="服务已恢复")  # fmt: skip
        clock.move_to(local(2026, 10, 12, 15))
        em.emergency_close(emergency=virus, actor=supervisor, result="清除完毕")
    return virus


def test_october_counts_by_type_time_resources_cost_and_outage(outbreak):
    with time_machine.travel(datetime(2026, 11, 2, 2, tzinfo=UTC), tick=False):
        s = check_section(section.build(Period.month(2026, 10), options={}))
        c = check_section(costs.build(Period.month(2026, 10), options={}))
    assert figure(s, "emergencies.total").value == 1
    assert figure(s, "emergencies.closed").value == 1
    assert figure(s, "emergencies.hours").value == 6.0  # 09:00 → 15:00
    assert figure(s, "emergencies.resources").value == 1
    assert figure(s, "emergencies.cost").value == 6500.0
    assert figure(s, "emergencies.outages").value == 1
    assert figure(s, "emergencies.not_met").value == 0
    by_type = next(t for t in s.tables if t.key == "emergencies.by_type")
    assert ["Virus outbreak", 1, 1] in by_type.rows
    listing = next(t for t in s.tables if t.key == "emergencies.list")
    assert listing.rows[0][0] == outbreak.number and listing.rows[0][4] == "钓鱼邮件附件"
    assert figure(c, "costs.emergencies").value == 6500.0
    assert figure(c, "costs.total").value == 6500.0
    # November had none; the year has the one.
    with time_machine.travel(datetime(2027, 1, 5, 2, tzinfo=UTC), tick=False):
        assert (
            figure(section.build(Period.month(2026, 11), options={}), "emergencies.total").value
            == 0
        )
        year = check_section(section.build(Period.year(2026), options={}))
    assert figure(year, "emergencies.cost").value == 6500.0
