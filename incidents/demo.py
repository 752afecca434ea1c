"""Demo work orders: a few months of a government office's faults, filed, fixed and called back.

Idempotent: skipped as soon as any work order exists. Fast (well under a second for
~400 orders): rows are built in memory and bulk-inserted, numbers are reserved per day
in one go, and the SLA instants come from the same pure clock arithmetic the services
use, so the demo's due times and breach flags are what the live system would compute.
"""

import itertools
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from itsm.services import form_code_get
from servicedesk.calendar import business_calendar
from servicedesk.models import Category, Person, ServiceLevel

from . import sla
from .choices import (
    OPEN_STATUSES,
    CancelReason,
    Channel,
    CloseReason,
    EventKind,
    HoldReason,
    Level3,
    Status,
)
from .models import Callback, HoldPeriod, WorkOrder, WorkOrderEvent
from .models.work_order import QUEUE_NEVER, QUEUE_PAUSED
from .priority import priority_for
from .search import terms_index
from .seeding import historic_timestamps, numbers_for, sla_target_table
from .services import ACCEPT_TARGET, DISPATCH_TARGET

# Thirteen months of history: the reports' archive and trends show twelve closed months
# (issue 15) and the month in progress.
HISTORY_MONTHS = 12
PER_WORKING_DAY = (3, 7)

REQUESTERS = ["enduser", *[f"user{i:02d}" for i in range(1, 21)]]
ENGINEERS = ["engineer", "engineer2"]
DESK = "agent"

DETAILS = [
    "麻烦尽快处理，下午要用。",
    "已经重启过，还是不行。",
    "早上一来就这样了。",
    "同一办公室其他人正常。",
    "影响业务办理，窗口有群众在等。",
    "昨天下班前还好好的。",
    "",
]
RESOLUTIONS = {
    "打印机": ["清理卡纸并调整搓纸轮", "更换硒鼓", "重新安装打印机驱动", "更换数据线"],
    "台式机": ["清理内存条金手指后正常", "更换电源", "重装显卡驱动", "更换键盘鼠标"],
    "笔记本": ["更换电池", "重装系统", "更新 BIOS"],
    "Windows": ["安装补丁并重启", "清理启动项", "查杀病毒后恢复", "修复系统文件"],
    "办公软件": ["修复 Office 安装", "升级 WPS 到最新版本", "恢复文件关联"],
    "电子邮件": ["清理邮箱并扩容", "重新配置客户端"],
    "账号权限": ["已重置密码并告知用户", "已按审批开通权限"],
    "网络设备": ["更换网线", "交换机端口重新配置"],
}
GENERIC_RESOLUTIONS = ["远程协助处理完毕", "现场处理完毕，用户确认正常", "指导用户操作后解决"]
CALLBACK_COMMENTS = ["用户表示满意", "处理及时", "工程师态度很好", "希望以后更快一些", ""]

# Recent orders are still being worked; older ones have run their course.
# Dealt out in turn over the last days, so every open state is on show.
RECENT_STATUSES = [
    Status.NEW, Status.IN_PROGRESS, Status.ASSIGNED, Status.RESOLVED, Status.ON_HOLD,
    Status.IN_PROGRESS, Status.REOPENED, Status.NEW, Status.RESOLVED, Status.IN_PROGRESS,
    Status.ASSIGNED, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED, Status.CLOSED,
]  # fmt: skip
RECENT = timedelta(days=5)


def seed(*, password: str) -> str:
    from .demo_fault_reports import seed_fault_reports
    from .service_records.demo import seed as service_records_seed

    live = _seed_live()
    return f"{live}; {_seed_history()}; {seed_fault_reports()}; {service_records_seed()}"


# The previous system's records (§4.3.2), as a customer changing systems hands them over:
# imported through the history import (incidents.history_import) as the supervisor. Its
# last line is an open order, which the per-line report refuses (history is finished work).
HISTORY_FILE = Path(__file__).resolve().parent / "fixtures" / "demo_history.csv"


def _seed_history() -> str:
    from cmdb.choices import ImportMode

    from .history_import import history_apply, history_preview, history_upload

    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None:
        return "no demo supervisor, history skipped"
    if WorkOrder.objects.filter(imported_at__isnull=False).exists():
        return "history imported already, skipped"
    batch = history_upload(
        actor=supervisor, name=HISTORY_FILE.name, content=HISTORY_FILE.read_bytes()
    )
    history_preview(actor=supervisor, batch=batch, mapping=batch.mapping)
    report = history_apply(actor=supervisor, batch=batch, mode=ImportMode.ALL_VALID)
    return f"{report.get('written', 0)} past work orders imported"


def _seed_live() -> str:
    if WorkOrder.objects.exists():
        return f"work orders exist, skipped; {seed_complaints()}"
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[*REQUESTERS, *ENGINEERS, DESK])
    }
    requesters = [users[name] for name in REQUESTERS if name in users]
    engineers = [users[name] for name in ENGINEERS if name in users]
    desk = users.get(DESK)
    faults = list(
        Category.objects.filter(level="fault_type", is_active=True).select_related("parent__parent")
    )
    if not requesters or not engineers or desk is None or not faults:
        return "no demo people or categories yet, skipped"
    now = timezone.now()
    today = timezone.localdate(now)
    start = _months_back(today, HISTORY_MONTHS)
    built = _Builder(requesters, engineers, desk, faults, now=now).build(start, today)
    return f"{built} work orders created; {seed_complaints()}"


COMPLAINTS = [
    ("slow_response", "报修后两个小时没人联系"),
    ("not_fixed", "打印机修好第二天又卡纸"),
    ("attitude", "工程师电话里态度不耐烦"),
    ("not_fixed", "邮箱问题反复出现"),
    ("skill", "重装系统后数据丢失"),
    ("process", "不知道工单由谁处理"),
    ("slow_response", "上门时间比约定晚了一小时"),
    (None, "对回访方式有意见"),
]


def seed_complaints() -> str:
    """Complaints of the last three months on demo work orders, most handled with a
    cause (the complaint statistics and the summary's complaints part). Idempotent."""
    from django.db.models import Q

    from .models import Complaint, ComplaintCause

    if Complaint.objects.exists():
        return "complaints exist"
    rng = random.Random(20261205)  # noqa: S311 (the same demo every time)
    causes = {c.code: c for c in ComplaintCause.objects.all()}
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    now = timezone.now()
    orders = list(
        WorkOrder.objects.filter(
            Q(created_at__gte=now - timedelta(days=90)), resolved_at__isnull=False
        ).order_by("pk")[:200]
    )
    if not orders or supervisor is None:
        return "no work orders for complaints"
    made = 0
    for index, (cause, text) in enumerate(COMPLAINTS * 2):
        order = rng.choice(orders)
        raised = min(order.resolved_at + timedelta(hours=rng.randint(1, 30)), now)
        complaint = Complaint.objects.create(
            work_order=order,
            engineer_id=order.assignee_id,
            raised_by_id=order.requester_id,
            complainant_id=order.requester_id,
            description=text,
            department_id=order.department_id,
        )
        handled = index % 5 != 4 and raised + timedelta(hours=6) < now
        Complaint.objects.filter(pk=complaint.pk).update(
            created_at=raised,
            cause=causes.get(cause) if handled else None,
            status="handled" if handled else "open",
            outcome="已向用户致歉并复查处理" if handled else "",
            handled_by=supervisor if handled else None,
            handled_at=min(raised + timedelta(hours=rng.randint(2, 40)), now) if handled else None,
        )
        made += 1
    return f"{made} complaints created"


class _Builder:
    def __init__(self, requesters, engineers, desk, faults, *, now):
        self.rng = random.Random(20260801)  # noqa: S311 (the same demo every time, not secrets)
        self.requesters, self.engineers, self.desk = requesters, engineers, desk
        self.faults, self.now = faults, now
        self.calendar = business_calendar()
        self.code = form_code_get(key=WorkOrder.FORM_KEY, default=WorkOrder.FORM_CODE_DEFAULT)
        self.people = {
            p.user_id: p
            for p in Person.objects.select_related(
                "service_level", "department__service_level", "location"
            ).filter(user__in=requesters)
        }
        self.estate = _Estate(requesters)
        self.targets = sla_target_table()
        self.recent = itertools.cycle(RECENT_STATUSES)

    def build(self, start: date, today: date) -> int:
        plan = []  # (created_at, requester)
        day = start
        while day <= today:
            if self.calendar.is_working_day(day):
                for _ in range(self.rng.randint(*PER_WORKING_DAY)):
                    plan.append(self._instant(day))
            elif self.rng.random() < 0.3:
                plan.append(self._instant(day, off_hours=True))
            day += timedelta(days=1)
        plan = sorted(t for t in plan if t < self.now - timedelta(minutes=5))
        numbers = numbers_for(self.code, plan)

        orders, later = [], []
        for created in plan:
            number = numbers[timezone.localdate(created)].pop(0)
            order, extras = self._order(number, created)
            orders.append(order)
            later.append(extras)
        for order in orders:
            order.created_at, order.updated_at = order._created, order._updated
        with transaction.atomic():
            with historic_timestamps(WorkOrder):
                WorkOrder.objects.bulk_create(orders, batch_size=500)
            terms_index(orders, replace=False)
            events, callbacks, holds = [], [], []
            for order, (order_events, callback, hold) in zip(orders, later, strict=True):
                for event in order_events:
                    event.work_order = order
                events.extend(order_events)
                if callback is not None:
                    callback.work_order = order
                    callbacks.append(callback)
                if hold is not None:
                    hold.work_order = order
                    holds.append(hold)
            WorkOrderEvent.objects.bulk_create(events, batch_size=1000)
            Callback.objects.bulk_create(callbacks, batch_size=500)
            HoldPeriod.objects.bulk_create(holds, batch_size=500)
        return len(orders)

    def _instant(self, day: date, *, off_hours: bool = False) -> datetime:
        if off_hours:
            minute = self.rng.randint(9 * 60, 20 * 60)
        else:  # mornings are busier
            minute = int(self.rng.triangular(8 * 60 + 30, 17 * 60 + 30, 9 * 60 + 30))
        local = datetime.combine(day, time(minute // 60, minute % 60, self.rng.randint(0, 59)))
        return timezone.make_aware(local)

    def _order(self, number: str, created: datetime):
        rng = self.rng
        requester = rng.choice(self.requesters)
        person = self.people.get(requester.pk)
        fault = rng.choice(self.faults)
        system = fault.parent.name if fault.parent_id else ""
        devices = self.estate.devices(system, requester, person)
        device = rng.choice(devices) if devices and rng.random() < 0.8 else None
        impact, urgency = _impact_urgency(rng)
        priority = priority_for(impact, urgency)
        level = _effective_level(person, device)
        channel = rng.choices(
            [Channel.WEB, Channel.PHONE, Channel.MAIL, Channel.WALK_IN, Channel.API],
            weights=[50, 30, 10, 7, 3],
        )[0]
        room = str(person.location) if person and person.location_id else ""
        description = f"{room} {system}{fault.name}。{rng.choice(DETAILS)}".strip()
        order = WorkOrder(
            number=number,
            title=f"{system}{fault.name}"[:200],
            description=description,
            channel=channel,
            requester=requester,
            created_by=self.desk if channel in (Channel.PHONE, Channel.WALK_IN) else requester,
            contact_phone=(person.mobile or person.phone) if person else "",
            department_id=person.department_id if person else None,
            location_id=person.location_id if person else None,
            category=fault,
            device=device,
            impact=impact,
            urgency=urgency,
            priority=priority,
            service_level=level,
            dispatch_due_at=created + DISPATCH_TARGET,
        )
        order._created = created
        return order, self._history(order, created)

    def _history(self, order: WorkOrder, created: datetime):
        """Walk the order through its life up to now; returns events, callback, open hold."""
        rng, cal, now = self.rng, self.calendar, self.now
        response_target, resolution_target = self.targets[(order.service_level_id, order.priority)]
        age = now - created
        status = next(self.recent) if age <= RECENT else _final_status(rng, age)
        actor = order.created_by
        events = [_ev(EventKind.CREATED, actor, created, body=order.description,
                      data={"channel": order.channel})]  # fmt: skip
        callback = hold = None

        def step(name, source, target, at, who, body=""):
            events.append(_ev(EventKind.TRANSITION, who, at, body=body, status_from=source,
                              status_to=target, data={"transition": name}))  # fmt: skip

        # Some are breached: the engineer was slow or the order was forgotten for a while.
        slow = rng.random() < 0.06
        engineer = rng.choice(self.engineers)
        t = created
        if status == Status.CANCELLED:
            t = min(created + timedelta(minutes=rng.randint(3, 60)), now)
            order.status, order.cancel_reason, order.closed_at = (
                status,
                rng.choice([CancelReason.DUPLICATE, CancelReason.WITHDRAWN, CancelReason.NOT_IT]),
                t,
            )
            step("cancel", Status.NEW, Status.CANCELLED, t, self.desk)
        elif status == Status.NEW:
            order.status = Status.NEW
        else:
            first_contact = status in (Status.RESOLVED, Status.CLOSED) and rng.random() < 0.12
            if first_contact:  # the desk fixes it on the phone
                t = created + timedelta(minutes=rng.randint(3, 15))
                order.responded_at = t
                order.first_contact_resolution = True
                order.resolution = rng.choice(GENERIC_RESOLUTIONS)
                order.resolved_at = t
                step("resolve", Status.NEW, Status.RESOLVED, t, self.desk, order.resolution)
                engineer = self.desk
            else:
                t = created + timedelta(minutes=rng.randint(2, 12) * (6 if slow else 1))
                order.assignee, order.assigned_at = engineer, t
                order.accept_due_at = t + ACCEPT_TARGET
                step("assign", Status.NEW, Status.ASSIGNED, t, self.desk)
                events.append(
                    _ev(EventKind.ASSIGNMENT, self.desk, t, data={"from": None, "to": engineer.pk})
                )
                if status != Status.ASSIGNED:
                    t = t + timedelta(minutes=rng.randint(3, 25) * (8 if slow else 1))
                    order.accepted_at = order.responded_at = t
                    step("start", Status.ASSIGNED, Status.IN_PROGRESS, t, engineer)
                    if rng.random() < 0.25:
                        events.append(_ev(EventKind.COMMENT, engineer, t + timedelta(minutes=2),
                                          body="已收到，马上到现场。"))  # fmt: skip
            work = resolution_target * rng.uniform(0.05, 0.6) * (2.5 if slow else 1)
            if status == Status.ON_HOLD:
                reason = rng.choice(list(HoldReason))
                at = min(cal.add(t, work / 3), now - timedelta(minutes=1))
                order.hold_reason = reason
                hold = HoldPeriod(reason=reason, started_at=at)
                step("hold", Status.IN_PROGRESS, Status.ON_HOLD, at, engineer,
                     {"user": "请您方便时联系我们。", "vendor": "已联系厂商。",
                      "parts": "等待备件到货。"}[reason])  # fmt: skip
            if status in (Status.RESOLVED, Status.CLOSED, Status.REOPENED) and not first_contact:
                t = cal.add(t, work)
                if t >= now:
                    t = now - timedelta(minutes=rng.randint(5, 60))
                system = order.category.parent.name if order.category.parent_id else ""
                order.resolution = rng.choice(RESOLUTIONS.get(system, GENERIC_RESOLUTIONS))
                order.resolved_at = t
                step("resolve", Status.IN_PROGRESS, Status.RESOLVED, t, engineer, order.resolution)
            if status == Status.REOPENED:
                at = min(t + timedelta(hours=rng.randint(1, 20)), now - timedelta(minutes=1))
                order.resolved_at, order.reopen_count = None, 1
                step(
                    "reopen", Status.RESOLVED, Status.REOPENED, at, order.requester, "还是有问题。"
                )
            if status == Status.CLOSED:
                at = cal.add(order.resolved_at, timedelta(minutes=rng.randint(20, 600)))
                at = min(at, now - timedelta(minutes=1))
                reached = rng.random() < 0.93
                if reached:
                    satisfaction = rng.choices([5, 4, 3, 2], weights=[70, 24, 5, 1])[0]
                    comment = rng.choice(CALLBACK_COMMENTS)
                    callback = Callback(agent=self.desk, outcome="reached",
                                        satisfaction=satisfaction, comment=comment, at=at)  # fmt: skip
                    events.append(_ev(EventKind.CALLBACK, self.desk, at, body=comment,
                                      data={"reached": True, "satisfaction": satisfaction}))  # fmt: skip
                    order.callback_satisfaction = satisfaction
                    order.close_reason = CloseReason.CALLBACK
                    step("close", Status.RESOLVED, Status.CLOSED, at, self.desk, comment)
                else:  # nobody answered; closed automatically after three working days
                    callback = Callback(agent=self.desk, outcome="not_reached", at=at)
                    events.append(_ev(EventKind.CALLBACK, self.desk, at, data={"reached": False}))
                    at = min(cal.add(at, timedelta(hours=24)), now - timedelta(minutes=1))
                    order.close_reason = CloseReason.AUTO
                    step("auto_close", Status.RESOLVED, Status.CLOSED, at, None)
                order.closed_at = at
            order.status = status

        self._clocks(order, created, response_target, resolution_target, hold)
        order._updated = max(e.at for e in events)
        return events, callback, hold

    def _clocks(self, order, created, response_target, resolution_target, hold):
        holds = [(hold.started_at, None)] if hold is not None else []
        response = sla.clock_thresholds(
            self.calendar, start=created, target=response_target, holds=holds
        )
        resolution = sla.clock_thresholds(
            self.calendar, start=created, target=resolution_target, holds=holds
        )
        order.response_warn_at, order.response_due_at, order.response_escalate_at = (
            response.warn_at, response.due_at, response.escalate_at)  # fmt: skip
        order.resolve_warn_at, order.resolve_due_at, order.resolve_escalate_at = (
            resolution.warn_at, resolution.due_at, resolution.escalate_at)  # fmt: skip
        is_open = order.status in OPEN_STATUSES
        order.queue_due_at = (resolution.due_at or QUEUE_PAUSED) if is_open else QUEUE_NEVER
        responded = order.responded_at
        order.response_breached = bool(
            response.due_at
            and (responded > response.due_at if responded else self.now > response.due_at)
        )
        resolved = (
            order.resolved_at or order.closed_at if order.status != Status.CANCELLED else None
        )
        order.resolution_breached = bool(
            resolution.due_at
            and order.status != Status.CANCELLED
            and (resolved > resolution.due_at if resolved else self.now > resolution.due_at)
        )


def _months_back(today: date, months: int) -> date:
    """The first day of the month `months` before today's."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _ev(kind, actor, at, **fields) -> WorkOrderEvent:
    return WorkOrderEvent(kind=kind, actor=actor, at=at, **fields)


def _final_status(rng, age: timedelta) -> str:
    if age > timedelta(days=12):
        return rng.choices(
            [Status.CLOSED, Status.CANCELLED, Status.RESOLVED, Status.ON_HOLD],
            weights=[93, 5, 1, 1],
        )[0]
    return rng.choices(
        [Status.CLOSED, Status.RESOLVED, Status.IN_PROGRESS, Status.ON_HOLD, Status.CANCELLED],
        weights=[65, 15, 8, 8, 4],
    )[0]


def _impact_urgency(rng) -> tuple[str, str]:
    impact = rng.choices([Level3.LOW, Level3.MEDIUM, Level3.HIGH], weights=[65, 28, 7])[0]
    urgency = rng.choices([Level3.LOW, Level3.MEDIUM, Level3.HIGH], weights=[20, 60, 20])[0]
    return impact, urgency


def _effective_level(person, device) -> ServiceLevel:
    levels = [person.effective_service_level()] if person is not None else []
    if device is not None:
        levels.append(device.effective_service_level())
    levels = [level for level in levels if level is not None]
    return max(levels, key=lambda level: level.rank) if levels else ServiceLevel.default()


# What each system type's faults are about, by the CMDB demo's classes and names: a
# printer jam is on a printer, a login failure in the registration system is on that
# application, a question about passwords is on no device.
OWN_DEVICE = {"台式机": "desktop", "Windows": "desktop", "办公软件": "desktop", "笔记本": "laptop"}
APPLICATION = {"登记系统": "不动产登记系统", "电子邮件": "电子邮件系统"}
SERVER = {  # which servers
    "服务器": lambda server: True,
    "Linux": lambda server: not (server.attributes or {}).get("os", "").startswith("Windows"),
    "数据库": lambda server: "数据库" in server.name,
}


class _Estate:
    """The devices the requesters' faults can be about, if the CMDB has any yet (its demo
    runs first in a full seed_demo, but may not have run)."""

    def __init__(self, users):
        from cmdb.models import ConfigurationItem

        self.own = defaultdict(lambda: defaultdict(list))  # user id → class code → items
        self.printers_at = defaultdict(list)  # location id → printers standing there
        self.printers_on = defaultdict(list)  # (building id, floor) → printers
        self.switches_on = defaultdict(list)  # (building id, floor) → network devices
        self.servers, self.applications = [], {}
        items = ConfigurationItem.objects.filter(
            parent__isnull=True,
            ci_class__code__in=["desktop", "laptop", "printer", "network", "server", "application"],
        ).select_related(
            "ci_class", "location", "service_level", "responsible__person__service_level",
            "responsible__person__department__service_level",
        )  # fmt: skip
        user_ids = {user.pk for user in users}
        for item in items.order_by("asset_tag"):
            code = item.ci_class.code
            if item.responsible_id in user_ids and code in ("desktop", "laptop", "printer"):
                self.own[item.responsible_id][code].append(item)
            floor = (item.location.building_id, item.location.floor) if item.location else None
            if code == "printer" and floor:
                self.printers_at[item.location_id].append(item)
                self.printers_on[floor].append(item)
            elif code == "network" and floor:
                self.switches_on[floor].append(item)
            elif code == "server":
                self.servers.append(item)
            elif code == "application":
                self.applications[item.name] = item

    def devices(self, system: str, requester, person) -> list:
        """What a fault of `system` reported by `requester` can be on (empty: no device)."""
        if system in OWN_DEVICE:
            return self.own[requester.pk][OWN_DEVICE[system]]
        if system == "打印机":
            return self._printers(requester, person)
        if system == "网络设备":
            floor = _floor(person)
            return self.switches_on[floor] if floor else []
        if system in APPLICATION:
            application = self.applications.get(APPLICATION[system])
            return [application] if application else []
        if system in SERVER:
            return [server for server in self.servers if SERVER[system](server)]
        return []  # consultations, accounts, other

    def _printers(self, requester, person) -> list:
        """Their own printer or one in their room, else a shared one on their floor."""
        near = list(self.own[requester.pk]["printer"])
        if person and person.location_id:
            near += [p for p in self.printers_at[person.location_id] if p not in near]
        if near:
            return near
        floor = _floor(person)
        return self.printers_on[floor] if floor else []


def _floor(person):
    if person is None or person.location is None:
        return None
    return (person.location.building_id, person.location.floor)
