"""The demo customer: one government office building, its departments, people and roles.

Idempotent: every row is looked up by a natural key first, so a second run adds nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .choices import ApprovalBody, OnCallRole, Role
from .models import Building, Department, Location, Person, ServiceLevel

DEMO_LOGINS = [
    ("enduser", "最终用户 end user (财务处)"),
    ("agent", "服务台 service desk"),
    ("engineer", "运维工程师 engineer"),
    ("supervisor", "服务主管 service supervisor"),
    ("approver", "审批人 approver (运维部 ops department)"),
    # Documents and releases need both bodies: the information centre signs as approver2.
    ("approver2", "审批人 approver (信息中心 information centre)"),
    ("manager", "项目经理 manager"),
    ("admin", "管理员 administrator (Django admin)"),
]

DEPARTMENTS = [
    ("office", "办公室", "advanced"),
    ("leaders", "局领导", "vip"),
    ("finance", "财务处", None),
    ("hr", "人事处", None),
    ("legal", "法规处", None),
    ("planning", "规划处", None),
    ("registry", "登记中心", "advanced"),
    ("infocentre", "信息中心", None),
    ("ops", "运维部", None),
    ("provider", "运维服务商", None),
]

# username, name, role, department code, floor, room, extra
STAFF = [
    ("enduser", "王芳", Role.END_USER, "finance", "3", "301", {}),
    ("agent", "李静", Role.SERVICE_DESK, "provider", "1", "服务台", {"phone": "020-83310001"}),
    ("engineer", "张伟", Role.ENGINEER, "provider", "1", "运维室", {"mobile": "13926031002"}),
    ("engineer2", "刘洋", Role.ENGINEER, "provider", "1", "运维室", {"mobile": "13926031003"}),
    ("supervisor", "陈刚", Role.SUPERVISOR, "provider", "1", "运维室", {"mobile": "13926031004"}),
    (
        "approver",
        "赵敏",
        Role.APPROVER,
        "ops",
        "2",
        "205",
        {"approval_body": ApprovalBody.OPS_DEPARTMENT},
    ),
    (
        "approver2",
        "孙磊",
        Role.APPROVER,
        "infocentre",
        "2",
        "210",
        {"approval_body": ApprovalBody.INFORMATION_CENTRE},
    ),
    ("manager", "周军", Role.MANAGER, "provider", "1", "运维室", {}),
    ("admin", "系统管理员", Role.ADMIN, "infocentre", "2", "210", {}),
]

END_USER_NAMES = "杨帆 黄磊 吴迪 徐丽 马超 胡静 郭峰 何敏 高翔 林娜 罗斌 郑洁 梁勇 谢婷 宋涛 唐琳 许刚 韩雪 冯凯 邓红".split()


def seed(*, password: str) -> str:
    building, _ = Building.objects.get_or_create(
        name="机关办公楼", defaults={"address": "示例市人民路 1 号"}
    )
    locations = {}
    for floor in range(1, 9):
        for room in ("01", "02", "03", "05", "10"):
            number = f"{floor}{room}"
            locations[(str(floor), number)], _ = Location.objects.get_or_create(
                building=building, floor=str(floor), room=number
            )
    for floor, room in (("1", "服务台"), ("1", "运维室"), ("2", "205"), ("2", "210"), ("3", "301")):
        locations[(floor, room)], _ = Location.objects.get_or_create(
            building=building, floor=floor, room=room
        )

    levels = {level.code: level for level in ServiceLevel.objects.all()}
    departments = {}
    for code, name, level in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "service_level": levels.get(level)}
        )

    created = 0
    for username, name, role, department, floor, room, extra in STAFF:
        created += _person(
            username, name, role, departments[department], locations[(floor, room)], password, extra
        )
    floors = [f"{f}" for f in range(3, 9)]
    department_cycle = ["office", "finance", "hr", "legal", "planning", "registry", "leaders"]
    for index, name in enumerate(END_USER_NAMES):
        floor = floors[index % len(floors)]
        room = ("01", "02", "03", "05", "10")[index % 5]
        department = departments[department_cycle[index % len(department_cycle)]]
        extra = {"phone": f"020-8331{1100 + index}"}
        if department.code == "leaders":
            extra["service_level"] = levels.get("vip")
        created += _person(
            f"user{index + 1:02d}",
            name,
            Role.END_USER,
            department,
            locations[(floor, f"{floor}{room}")],
            password,
            extra,
        )
    _quarter_targets()
    _service_notes()
    shifts = _rota()
    return (
        f"{created} people created, {Person.objects.count()} in all; {shifts} on-call shifts added"
    )


# §4.3.2: what to mind with each service recipient, as the client hands it over.
SERVICE_NOTES = {
    "user07": "局领导：上门前先与办公室秘书电话确认时间；电脑内有涉密文件，维修不得带离。",
    "user01": "办公室主任：会议多，优先电话远程指导；下午 3 点后方便上门。",
    "enduser": "财务处：报账系统 U 盾插在主机背面；月底结账期间避免重启。",
    "user13": "登记中心窗口：对外办公时间不可中断，维修安排在 12:00–13:30。",
}


def _service_notes() -> None:
    for username, notes in SERVICE_NOTES.items():
        Person.objects.filter(user__username=username, service_notes="").update(service_notes=notes)


# Who takes the rota, week about: the phone by the desk and a supervisor, on site by the
# engineers (§6.2.1: 7×24 phone; on site outside hours when needed).
ROTA = {
    OnCallRole.PHONE: ["agent", "supervisor"],
    OnCallRole.ON_SITE: ["engineer", "engineer2"],
}


def _rota() -> int:
    """Week-long shifts (Monday 08:30 to the next Monday 08:30) covering this month and
    the next; looked up by person, role and start, so a second run adds nothing."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from .models import OnCallShift

    wanted = [name for names in ROTA.values() for name in names]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    today = timezone.localdate()
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    end = (next_month + timedelta(days=32)).replace(day=1)  # the first day after next month
    monday = first - timedelta(days=first.weekday())
    zone = timezone.get_current_timezone()
    added = 0
    week = 0
    while monday < end:
        start = datetime.combine(monday, time(8, 30), zone)
        stop = start + timedelta(days=7)
        for role, names in ROTA.items():
            user = users.get(names[week % len(names)])
            if user is None:
                continue
            _shift, created = OnCallShift.objects.get_or_create(
                user=user,
                role=role,
                starts_at=start,
                defaults={"ends_at": stop, "note": "演示值班"},
            )
            added += int(created)
        monday += timedelta(days=7)
        week += 1
    return added


# The last quarter's agreed targets and this quarter's (satisfaction raised to 97 %).
QUARTER_TARGETS = (
    (-1, "季度服务评审 (demo)", 1.0, 0.95, 0.3, 0.5, 0.98, 240),
    (0, "季度服务评审：满意度提高到 97 % (demo)", 1.0, 0.97, 0.3, 0.5, 0.98, 200),
)


def _quarter_targets() -> None:
    """Quarterly service targets for the last quarter and this one (idempotent)."""
    from django.utils import timezone

    from .models import QuarterTargets, ServiceCommitment

    today = timezone.localdate()
    current = (today.year, (today.month - 1) // 3 + 1)
    for (
        offset,
        note,
        response,
        satisfied,
        fcr_low,
        fcr_high,
        availability,
        restore,
    ) in QUARTER_TARGETS:
        year, quarter = current[0], current[1] + offset
        if quarter < 1:
            year, quarter = year - 1, quarter + 4
        targets, _ = QuarterTargets.objects.get_or_create(
            year=year, quarter=quarter, defaults={"note": note}
        )
        for key, op, value, upper in (
            ("response_rate", ">=", response, None),
            ("satisfied_rate", ">", satisfied, None),
            ("first_contact_rate", "between", fcr_low, fcr_high),
            ("availability", ">=", availability, None),
            ("restore_time", "<=", restore, None),
        ):
            ServiceCommitment.objects.get_or_create(
                quarter=targets,
                key=key,
                service_level=None,
                defaults={"op": op, "value": value, "upper": upper, "source": note},
            )


def _person(username, name, role, department, location, password, extra) -> int:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.gov.cn"}
    )
    if created:
        user.set_password(password)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        elif role in (Role.SUPERVISOR, Role.MANAGER):
            user.is_staff = True  # they edit reference data in admin
        user.save()
        user.groups.add(Group.objects.get(name=role.value))
    Person.objects.get_or_create(
        user=user,
        defaults={"name": name, "department": department, "location": location, **extra},
    )
    return int(created)
