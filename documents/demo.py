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
    ("D0902", "form", "文件更改申请单", "申请更改运维文档时填写。", 3, "A-4"),
    ("D0904", "form", "文件借阅申请单", "借阅运维文档时填写。", 3, "A-4"),
]


def _file(number: str, name: str, version: str = "1.0") -> ContentFile:
    text = f"{number} {name}\n版本 {version}\n\n（演示文件）\n"
    return ContentFile(text.encode("utf-8"), name=f"{number} {name} V{version}.txt")


def seed(*, password: str) -> str:
    return seed_documents()


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
