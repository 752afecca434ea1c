"""Demo document catalogue: the operations plan as A01, procedures, their supporting
documents and forms, released by the information centre; a change approved by the ops
department and awaiting the information centre, a change carried through both stages
(approved, made, confirmed by both bodies), an overdue loan, a loan awaiting the ops department, a due check and a backup.

Written through the services (so the timelines are real) and idempotent: nothing is
added when A01 is already in the catalogue.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from . import services
from .choices import BackupMedium, BorrowForm, DocumentClass
from .models import ControlledDocument, DocumentBorrowApplication

OFFICE = "运维办公室 文件柜 A"
SHARE = r"\\fileserver\运维文档"

# (number, type, name, description, retention years or None, storage shelf)
DOCUMENTS = [
    (
        "A01",
        "plan",
        "运维服务方案",
        "运维服务的总体方案：服务内容、组织、流程、服务级别与考核。",
        None,
        "A-1",
    ),
    ("A02", "manual", "术语表", "运维体系文件中使用的术语与定义。", None, "A-1"),
    ("B01", "procedure", "服务级别管理程序", "服务级别的制定、监控与报告。", 10, "A-2"),
    ("B02", "procedure", "服务台管理程序", "服务台受理、记录、派工、回访与关闭。", 10, "A-2"),
    ("B03", "procedure", "问题管理程序", "问题识别、根本原因分析与已知错误。", 10, "A-2"),
    ("B05", "procedure", "变更管理程序", "变更申请、评审、实施与回顾。", 10, "A-2"),
    (
        "B09",
        "procedure",
        "文档管理程序",
        "运维文档的登记、发布、更改、报废、借阅、备份与有效性检查。",
        10,
        "A-2",
    ),
    ("C0101", "supporting", "服务等级规划", "各服务级别的响应与解决时限。", 5, "A-3"),
    ("C0102", "supporting", "服务目录", "对外提供的运维服务项目清单。", 5, "A-3"),
    ("D0201", "form", "运维工作单", "服务台记录故障与服务请求的表单。", 3, "A-4"),
    ("D0302", "form", "工单跟踪记录", "工单处理过程的跟踪记录。", 3, "A-4"),
    (
        "D0303",
        "form",
        "运维知识库",
        "知识记录的表单：问题类型、故障现象、原因与解决方案。",
        3,
        "A-4",
    ),
    ("D0902", "form", "文件更改申请单", "申请更改运维文档时填写。", 3, "A-4"),
    ("D0904", "form", "文件借阅申请单", "借阅运维文档时填写。", 3, "A-4"),
]


def _file(number: str, name: str, version: str = "1.0") -> ContentFile:
    text = f"{number} {name}\n版本 {version}\n\n（演示文件）\n"
    return ContentFile(text.encode("utf-8"), name=f"{number} {name} V{version}.txt")


def seed(*, password: str) -> str:
    return "; ".join([seed_documents(), seed_library(), seed_handins()])


def seed_documents() -> str:
    if ControlledDocument.objects.filter(number="A01").exists():
        return f"{ControlledDocument.objects.count()} controlled documents already there"
    users = get_user_model().objects.in_bulk(
        ["engineer", "agent", "supervisor", "approver", "approver2"], field_name="username"
    )
    agent, engineer = users.get("agent"), users.get("engineer")
    # servicedesk.demo: approver signs for the ops department, approver2 for the
    # information centre.
    ops, centre = users.get("approver"), users.get("approver2")
    if not (agent and engineer and ops and centre):
        return "controlled documents skipped (demo users missing)"
    created = {}
    for number, kind, name, description, retention, shelf in DOCUMENTS:
        level = number[0]
        document = services.document_register(
            actor=agent,
            level=level,
            number=number,
            name=name,
            document_type=kind,
            document_class=DocumentClass.OPERATIONS,
            description=description,
            storage_location=f"{OFFICE}-{shelf}",
            electronic_location=f"{SHARE}\\{number}",
            retention_years=retention,
            custodian=agent,
            check_interval_months=12,
            file=_file(number, name),
        )
        created[number] = services.document_release(document=document, actor=centre)

    # A draft awaiting release by the information centre (the scrap form is being introduced).
    services.document_register(
        actor=agent,
        level="D",
        number="D0903",
        name="报废申请单",
        document_type="form",
        description="申请报废运维文档时填写。",
        storage_location=f"{OFFICE}-A-4",
        retention_years=3,
        custodian=agent,
        file=_file("D0903", "报废申请单"),
    )

    # A change of C0101 carried through: approved by both bodies, made and recorded by
    # the desk, the result confirmed by both; version 2.0 is current.
    done = services.change_apply(
        document=created["C0101"],
        actor=engineer,
        reason="服务级别“高级”的解决时限由 8 小时调整为 4 小时。",
        content="表 2 中“高级”级别的解决时限改为 4 小时。",
    )
    for body_approver in (ops, centre):
        done = services.application_approve(
            application=done, actor=body_approver, note="同意按申请更改。"
        )
    done = services.change_result_record(
        application=done,
        actor=agent,
        change_process="按批准的申请修改表 2，由服务主管校对。",
        change_made="表 2 中“高级”级别的解决时限改为 4 小时。",
        change_result="已完成修改，版本号更新为 2.0。",
        file=_file("C0101", "服务等级规划", "2.0"),
    )
    for body_approver in (ops, centre):
        services.change_result_confirm(application=done, actor=body_approver, note="确认。")

    # A change of B02 approved by the ops department, awaiting the information centre.
    pending = services.change_apply(
        document=created["B02"],
        actor=engineer,
        reason="服务台派工时限由 15 分钟调整为 10 分钟，需与服务方案一致。",
        content="第 4 节“派工”中的时限改为 10 分钟；增加电话回访的记录要求。",
        file=_file("B02", "服务台管理程序", "2.0"),
    )
    services.application_approve(
        application=pending, actor=ops, note="同意，与服务方案第 6.3.3 节一致。"
    )

    # A loan of C0102 that is overdue: approved, handed over, due five days ago.
    loan = services.borrow_apply(
        document=created["C0102"],
        actor=engineer,
        purpose="编写月度服务报告时核对服务目录。",
        due_on=timezone.localdate() + timedelta(days=7),
        borrow_form=BorrowForm.ORIGINAL,
    )
    services.application_approve(application=loan, actor=ops)
    services.borrow_lend(application=loan, actor=agent)
    DocumentBorrowApplication.objects.filter(pk=loan.pk).update(
        due_on=timezone.localdate() - timedelta(days=5)
    )

    # A loan of B05 awaiting the ops department's approval (in its approvals inbox).
    services.borrow_apply(
        document=created["B05"],
        actor=engineer,
        purpose="准备变更咨询会议材料时参照变更管理程序。",
        due_on=timezone.localdate() + timedelta(days=14),
        borrow_form=BorrowForm.COPY,
    )

    # A02's yearly validity check is due.
    ControlledDocument.objects.filter(pk=created["A02"].pk).update(
        next_check_on=timezone.localdate() - timedelta(days=3)
    )
    services.check_record(document=created["A01"], actor=agent, result="valid")

    services.backup_create(
        actor=agent,
        content="运维体系文件全部电子版（A、B、C、D 级）",
        documents=list(created.values()),
        backed_up_on=timezone.localdate() - timedelta(days=1),
        medium=BackupMedium.DISK,
        location="信息中心机房 保险柜 2 号",
        verified=True,
    )
    return f"{len(DOCUMENTS) + 1} controlled documents created"


# --- the driver and software library (§4.3.3) ----------------------------------------------

FAKE_SHA256 = "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"

# kind, title, vendor, version, models, classes, OS, location, file?, superseded
LIBRARY = [
    ("compatibility", "应用系统软硬件兼容性列表", "", "2026.11", "", ["desktop", "laptop", "server"],
     "Windows 10 / Kylin V10", SHARE + r"\兼容性列表", True, False),
    ("os_image", "Windows 10 22H2 标准镜像（64 位）", "Microsoft", "22H2", "", ["desktop", "laptop"],
     "Windows 10 22H2 x64", r"\\fileserver\镜像\Win10_22H2_std.wim（光盘备份：文件柜 B 第 3 张）",
     False, False),
    ("driver", "HP LaserJet Pro M404dn 打印驱动", "HP", "48.6.4658",
     "HP LaserJet Pro M404dn\nHP LaserJet Pro M405dn", ["printer"], "Windows 10 x64", "", True, False),
    ("driver", "打印机通用 PCL6 驱动", "HP", "7.0.1", "", ["printer"], "Windows 10 x64",
     r"\\fileserver\驱动\打印机\UPD_PCL6", True, False),
    ("driver", "打印机通用 PCL6 驱动", "HP", "6.9.0", "", ["printer"], "Windows 7 x64",
     r"\\fileserver\驱动\打印机\UPD_PCL6_old", False, True),
    ("driver", "联想台式机芯片组与网卡驱动包", "Lenovo", "2026.10",
     "Lenovo ThinkCentre M720t\nLenovo ThinkCentre M920t", ["desktop"], "Windows 10 x64",
     r"\\fileserver\驱动\联想\M720t_M920t", False, False),
    ("patch", "2026 年 11 月 Windows 累积更新", "Microsoft", "KB5046613", "", ["desktop", "laptop"],
     "Windows 10 22H2 x64", "WSUS 服务器 10.1.0.20 已审批", False, False),
    ("antivirus", "病毒防护列表与预防性解决方案（2026 年 11 月）", "", "2026-11", "",
     ["desktop", "laptop", "server"], "", "", True, False),
]  # fmt: skip


def seed_library() -> str:
    from cmdb.models import CIClass

    from .models import LibraryEntry

    if LibraryEntry.objects.exists():
        return f"{LibraryEntry.objects.count()} library entries already there"
    agent = get_user_model().objects.filter(username="agent").first()
    if agent is None:
        return "driver library skipped (demo users missing)"
    classes = CIClass.objects.in_bulk(field_name="code")
    for kind, title, vendor, version, models, codes, system, location, upload, old in LIBRARY:
        file = None
        if upload:
            text = f"{title}\n{version}\n（演示文件）\n".encode()
            file = ContentFile(text, name=f"{title} {version}.txt")
        services.library_entry_save(
            actor=agent,
            kind=kind,
            title=title,
            vendor=vendor,
            version=version,
            device_models=models,
            ci_classes=[classes[code] for code in codes if code in classes],
            operating_system=system,
            location=location,
            checksum="" if upload else FAKE_SHA256,
            notes="",
            superseded=old,
            file=file,
        )
    return f"{len(LIBRARY)} library entries created"


# --- technical hand-ins (§6.3.6) -----------------------------------------------------------


def seed_handins() -> str:
    from datetime import datetime, time

    from servicedesk.models import Team

    from . import handin_periods
    from .models import HandInDuty, TechnicalHandIn

    if HandInDuty.objects.exists():
        return f"{HandInDuty.objects.count()} hand-in duties already there"
    users = get_user_model().objects.in_bulk(
        ["engineer", "engineer2", "supervisor"], field_name="username"
    )
    engineer, engineer2, supervisor = (
        users.get(u) for u in ("engineer", "engineer2", "supervisor")
    )
    if not (engineer and supervisor):
        return "technical hand-ins skipped (demo users missing)"
    today = timezone.localdate()
    this_week = handin_periods.period_start("weekly", today)
    start = this_week - timedelta(weeks=6)
    weekly = HandInDuty.objects.create(kind="weekly", assignee=engineer, starts_on=start)
    if engineer2:
        HandInDuty.objects.create(kind="weekly", assignee=engineer2, starts_on=start)
    month = handin_periods.period_start("monthly", today)
    monthly = HandInDuty.objects.create(
        kind="monthly",
        assignee=engineer,
        team=Team.objects.order_by("pk").first(),
        starts_on=handin_periods.previous_period(
            "monthly", handin_periods.previous_period("monthly", month)
        ),
    )

    def on(handin, day):
        moment = timezone.make_aware(datetime.combine(day, time(17, 30)))
        TechnicalHandIn.objects.filter(pk=handin.pk).update(submitted_at=moment)

    topics = ["打印机卡纸与定影器故障排查", "Windows 10 更新失败的处理", "内网 DNS 解析缓慢的原因"]
    for weeks_ago, topic in zip((3, 2, 1), topics, strict=True):
        period = this_week - timedelta(weeks=weeks_ago)
        handin = services.handin_submit(
            actor=engineer,
            duty=weekly,
            period_start=period,
            title=topic,
            summary=f"本周处理的{topic}的步骤与经验。",
            file=ContentFile(f"{topic}\n（演示文件）\n".encode(), name=f"{topic}.txt"),
        )
        # The second one came in three days late.
        on(handin, weekly.due_on(period) + timedelta(days=3 if weeks_ago == 2 else 0))
    last_month = handin_periods.previous_period("monthly", month)
    before = handin_periods.previous_period("monthly", last_month)
    accepted = services.handin_submit(
        actor=engineer,
        duty=monthly,
        period_start=before,
        title="现场运维组技术月报",
        summary="本月共处理打印机故障 12 起，其中 8 起为定影器老化：建议批量更换。"
        "Windows 10 更新失败 5 起，清理 SoftwareDistribution 后重试均已解决。",
        link="https://fileserver.example.gov.cn/reports/technical-monthly.pdf",
    )
    on(accepted, monthly.due_on(before) - timedelta(days=1))
    services.handin_accept(actor=supervisor, handin=accepted, note="内容完整，已录入知识库。")
    pending = services.handin_submit(
        actor=engineer,
        duty=monthly,
        period_start=last_month,
        title="现场运维组技术月报",
        summary="本月网络故障 4 起，均为楼层交换机端口老化；已更换并记录在配置管理中。",
        file=ContentFile("技术月报（演示文件）\n".encode(), name="技术月报.txt"),
    )
    on(pending, min(today, monthly.due_on(last_month)))
    return "technical hand-ins created (weekly and monthly, one report awaiting review)"
