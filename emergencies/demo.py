"""Demo emergencies: a closed virus outbreak (resource requests, an emergency change, an
evaluation) and a network outage still being handled, plus the §5.1 disaster measures.
Idempotent: measures by title, emergencies skipped once any exist."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from . import resource_services, services
from .choices import ApprovalChannel, EmergencyType, MeasureKind, Outcome, ResourceKind, Severity
from .choices import TeamRole as R
from .models import DisasterMeasure, Emergency

MEASURES = [
    (MeasureKind.CONTACT, "信息中心值班电话（7×24）", "", "020-83310100"),
    (MeasureKind.CONTACT, "运维服务台", "", "020-83310001"),
    (MeasureKind.CONTACT, "火警", "", "119"),
    (
        MeasureKind.EVACUATION,
        "人员疏散",
        "听从现场负责人指挥，沿疏散指示走安全通道\n不乘电梯\n到楼前广场集合并清点人数\n向应急小组报告人员情况",
        "",
    ),
    (
        MeasureKind.FIRE,
        "机房火灾",
        "确认火情，立即拨打 119\n启动气体灭火系统前确认人员已撤离\n切断非必要电源\n保护备份介质，记录受损设备",
        "",
    ),
    (
        MeasureKind.FLOOD,
        "机房进水",
        "切断进水区域电源\n将设备移至高处，用防水布遮盖\n排水并通风除湿\n逐台检查设备后再上电",
        "",
    ),
]


def _measures() -> int:
    created = 0
    for order, (kind, title, body, phone) in enumerate(MEASURES):
        _, made = DisasterMeasure.objects.get_or_create(
            title=title, defaults={"kind": kind, "body": body, "phone": phone, "order": order}
        )
        created += made
    return created


def seed(*, password: str) -> str:
    # The process record keeps the words of the moment: the demo's are in the site language.
    with translation.override(settings.LANGUAGE_CODE):
        return f"{_seed()}; {_drills_and_facility_incidents()}"


def _drills_and_facility_incidents() -> str:
    """Two drills of the year (power cut, water damage) and a power cut written up, reviewed
    and reported upward; idempotent: skipped once drills exist."""
    from datetime import date

    from .choices import DrillKind, DrillResult, FacilityIncidentKind
    from .models import Drill

    if Drill.objects.exists():
        return "drills exist, skipped"
    users = get_user_model().objects.in_bulk(["supervisor", "engineer"], field_name="username")
    if len(users) < 2:
        return "demo staff missing, drills skipped"
    sup, eng = users["supervisor"], users["engineer"]
    today = timezone.localdate()
    year = today.year if today.month >= 6 else today.year - 1
    services.drill_record(
        actor=eng,
        kind=DrillKind.POWER_CUT,
        held_on=date(year, 5, 20),
        place="三楼机房",
        scenario="市电中断，切换 UPS 供电；关闭非必要设备，检查 UPS 剩余电量，向上级汇报并联系资源调度组长",
        participants="服务主管\n运维工程师 2 名\n信息中心值班员",
        result=DrillResult.PARTLY,
        findings="UPS 实际续航 18 分钟，低于预期的 30 分钟；值班表上资源调度组长电话已过期",
        improvements="更换 UPS 电池组；每月核对应急联系人电话",
    )
    services.drill_record(
        actor=eng,
        kind=DrillKind.WATER_DAMAGE,
        held_on=date(year, 4, 15),
        place="一楼办公室",
        scenario="台式机进水：断电、倒水、开箱吹干、检测后上电；笔记本进水的处理步骤",
        participants="运维工程师 2 名\n办公室联络员",
        result=DrillResult.MET,
        findings="",
    )
    incident = services.facility_incident_create(
        actor=eng,
        kind=FacilityIncidentKind.POWER,
        title="市电中断 40 分钟",
        occurred_at=timezone.now() - timedelta(days=20, hours=3),
        ended_at=timezone.now() - timedelta(days=20, hours=2, minutes=20),
        place="办公楼全楼",
        description="供电局线路检修未提前通知，全楼市电中断，机房由 UPS 供电",
        cause="供电局计划检修，通知未送达",
        losses="无数据丢失；两台未接 UPS 的打印机任务中断",
        actions="切换 UPS，关闭非必要设备，联系资源调度组长和供电局，恢复后逐台检查",
        prevention="与物业约定检修通知转送运维服务台；打印机接入 UPS",
    )
    incident = services.facility_incident_review(
        incident=incident, actor=sup, comment="处置得当，按改进措施落实"
    )
    services.facility_incident_report(incident=incident, actor=sup, reported_to="信息中心")
    return "2 drills, 1 facility incident"


def _seed() -> str:
    measures = _measures()
    if Emergency.objects.exists():
        return f"{measures} measures; emergencies exist, skipped"
    from cmdb.models import ConfigurationItem
    from incidents import services as incident_services

    users = get_user_model().objects.in_bulk(
        ["supervisor", "engineer", "engineer2", "approver", "approver2", "enduser", "agent"],
        field_name="username",
    )
    if len(users) < 7:
        return f"{measures} measures; demo staff missing, emergencies skipped"
    sup, eng, eng2 = users["supervisor"], users["engineer"], users["engineer2"]
    ops, info, user, agent = users["approver"], users["approver2"], users["enduser"], users["agent"]

    # 1. A virus outbreak, handled and closed.
    order = incident_services.work_order_create(
        actor=agent, requester=user, title="多台电脑弹出勒索提示，文件无法打开"
    )
    virus = services.emergency_declare(
        actor=sup,
        work_order=order,
        type=EmergencyType.VIRUS_OUTBREAK,
        severity=Severity.CRITICAL,
        scope="财务处、办公室共 23 台终端感染勒索病毒",
        commander=eng,
        cause="钓鱼邮件附件携带勒索病毒，终端补丁未更新",
    )
    virus = services.emergency_approve(emergency=virus, actor=info)
    virus = services.emergency_activate(emergency=virus, actor=eng)
    for role, member in (
        (R.INFORMATION_CENTRE, info),
        (R.OPS_DEPARTMENT, ops),
        (R.SUPERVISOR, sup),
        (R.OTHER, eng2),
    ):
        services.team_member_add(emergency=virus, actor=sup, role=role, user=member)
    services.team_member_add(
        emergency=virus,
        actor=sup,
        role=R.SUPPLIER,
        name="杀毒软件厂商 技术支持",
        phone="400-800-0000",
    )
    services.plan_save(
        emergency=virus,
        actor=eng,
        content="断开感染终端网络；联系杀毒厂商获取专杀工具；从备份恢复数据；全网补丁加固。",
    )
    services.process_entry_add(emergency=virus, actor=eng, text="23 台终端已断网隔离")
    services.process_entry_add(
        emergency=virus,
        actor=eng2,
        text="现场查杀并恢复财务处数据",
        on_site=True,
        signed_by="财务处 王科长",
    )
    services.status_update_send(
        emergency=virus, actor=eng, body="病毒已隔离，正在查杀，请勿打开可疑邮件附件。"
    )
    purchase = resource_services.resource_request_create(
        emergency=virus,
        actor=eng,
        kind=ResourceKind.PURCHASE,
        description="专杀工具授权及移动硬盘（数据恢复）",
        product="勒索病毒专杀工具授权",
        model_spec="50 点",
        supplier="杀毒软件厂商",
        cost="6800",
    )
    resource_services.resource_request_approve(request=purchase, actor=sup)
    resource_services.resource_request_record_result(
        request=purchase, actor=eng, result="已采购并部署", cost="6500"
    )
    resource_services.resource_request_confirm(request=purchase, actor=sup)
    help_request = resource_services.resource_request_create(
        emergency=virus,
        actor=eng,
        kind=ResourceKind.COORDINATION,
        description="邮件系统管理员拦截钓鱼邮件",
        from_whom="信息中心 邮件系统管理员",
    )
    resource_services.resource_request_approve(request=help_request, actor=info)
    link = resource_services.emergency_change_raise(
        emergency=virus,
        actor=eng,
        summary="全网终端安装安全补丁并关闭 445 端口",
        implementation_plan="分批推送补丁，组策略关闭 445 端口",
        rollback_plan="卸载补丁，恢复组策略",
    )
    resource_services.emergency_change_approve(link=link, actor=sup)
    now = timezone.now()
    services.outage_record(
        emergency=virus,
        actor=eng,
        service_name="财务处文件共享",
        started_at=now - timedelta(hours=6),
        ended_at=now - timedelta(hours=1),
        cause="勒索病毒加密共享文件",
    )
    services.emergency_restore(emergency=virus, actor=eng, resolution="病毒已清除，数据已恢复")
    services.emergency_submit_for_evaluation(emergency=virus, actor=eng)
    services.emergency_evaluate(
        emergency=virus,
        actor=sup,
        outcome=Outcome.MET,
        opinion="问题已解决，服务已恢复",
        follow_ups=[("组织全员防钓鱼邮件培训", sup)],
    )
    services.emergency_close(emergency=virus, actor=sup, result="病毒清除，数据恢复，补丁加固完成")

    # 2. The core switch is down: still being handled.
    core = ConfigurationItem.objects.filter(asset_tag="NW-CORE").first()
    first = incident_services.work_order_create(
        actor=agent, requester=user, title="整层楼无法上网", device=core
    )
    outage = services.emergency_declare(
        actor=sup,
        work_order=first,
        type=EmergencyType.WIDE_OUTAGE,
        severity=Severity.CRITICAL,
        scope="机关办公楼全楼网络中断",
        commander=eng,
        service=core,
        affected_items=[core] if core else (),
    )
    outage = services.emergency_record_oral_approval(
        emergency=outage, actor=sup, approver=info, channel=ApprovalChannel.PHONE
    )
    outage = services.emergency_activate(emergency=outage, actor=eng)
    services.team_member_add(emergency=outage, actor=sup, role=R.INFORMATION_CENTRE, user=info)
    services.team_member_add(
        emergency=outage, actor=sup, role=R.SUPPLIER, name="华为 网络工程师", phone="400-822-9999"
    )
    services.plan_save(
        emergency=outage, actor=eng, content="启用备用链路；更换核心交换机电源模块。"
    )
    requesters = list(
        get_user_model().objects.filter(groups__name="end_user").exclude(pk=user.pk)[:2]
    )
    for requester in requesters:
        child = incident_services.work_order_create(
            actor=agent, requester=requester, title="电脑无法上网"
        )
        services.work_order_attach(emergency=outage, actor=agent, work_order=child)
    services.outage_record(
        emergency=outage,
        actor=eng,
        service=core,
        service_name=str(core) if core else "办公网络",
        started_at=now - timedelta(minutes=40),
        cause="核心交换机电源模块故障",
    )
    services.status_update_send(
        emergency=outage, actor=eng, body="核心交换机故障，正在启用备用链路，预计 30 分钟内恢复。"
    )
    return f"{measures} measures; 2 emergencies ({virus.number} closed, {outage.number} open)"
