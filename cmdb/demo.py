"""The demo customer's estate: ~300 desktops with monitor, keyboard and mouse, ~100
printers, servers, switches, a UPS and business applications, with relationships.

Idempotent and quick on every `make run`: items are keyed by asset tag, only missing
ones are bulk-created, and relationships are bulk-inserted ignoring existing ones.
(bulk_create writes no audit entries, which is right for seed data.)
"""

from datetime import datetime, time, timedelta

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.utils import timezone

from servicedesk.choices import Role
from servicedesk.models import Building, Department, Location, Person, ServiceLevel
from servicedesk.services import person_create

from .choices import CIStatus, RelationshipType, SealStatus
from .models import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser, Supplier

DESKTOPS = 300
SPARE_DESKTOPS = 10  # the last ten are spare units in stock (备机)
PRINTERS = 100
FLOORS = [str(f) for f in range(1, 9)]
ROOMS = ("01", "02", "03", "05", "10")

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红"

SUPPLIERS = [
    ("联想华南技术服务中心", "刘工", "020-87550001"),
    ("惠普打印服务商", "陈工", "020-87550002"),
    ("华为网络服务商", "王工", "020-87550003"),
    ("浪潮服务器服务商", "孙工", "020-87550004"),
]

# tag, name, ip, key device?
SERVERS = [
    ("SV-001", "不动产登记数据库服务器", "10.0.0.11", True),
    ("SV-002", "不动产登记应用服务器", "10.0.0.12", True),
    ("SV-003", "财务核算服务器", "10.0.0.13", False),
    ("SV-004", "公文与邮件服务器", "10.0.0.14", False),
    ("SV-005", "域控制器", "10.0.0.15", True),
    ("SV-006", "防病毒控制台", "10.0.0.16", False),
]
# tag, name, runs on, depends on, departments whose desktops use it
APPLICATIONS = [
    ("APP-001", "不动产登记系统", "SV-002", "SV-001", ("registry", "leaders")),
    ("APP-002", "财务核算系统", "SV-003", None, ("finance",)),
    ("APP-003", "电子公文系统", "SV-004", "SV-005", ("office", "leaders", "legal", "planning")),
    ("APP-004", "电子邮件系统", "SV-004", "SV-005", ()),
]
OWNER_DEPARTMENTS = [
    "office",
    "finance",
    "hr",
    "legal",
    "planning",
    "registry",
    "infocentre",
    "ops",
]


def seed(*, password: str) -> str:
    today = timezone.localdate()
    classes = _classes()
    suppliers = {
        name: Supplier.objects.get_or_create(
            name=name, defaults={"contact_name": contact, "contact_phone": phone}
        )[0]
        for name, contact, phone in SUPPLIERS
    }
    building, _ = Building.objects.get_or_create(name="机关办公楼")
    machine_room, _ = Location.objects.get_or_create(building=building, floor="1", room="机房")
    owners = _owners(needed=DESKTOPS - SPARE_DESKTOPS)
    departments = {d.code: d for d in Department.objects.all()}
    vip = ServiceLevel.objects.filter(code="vip").first()
    locations = {(loc.floor, loc.room): loc for loc in Location.objects.filter(building=building)}

    planned: list[ConfigurationItem] = []
    parents: dict[str, str] = {}  # accessory tag → parent tag
    links: list[tuple[str, str, str]] = []  # (source tag, type, target tag)
    lenovo, hp, huawei, inspur = (suppliers[s[0]] for s in SUPPLIERS)

    def add(tag, name, ci_class, **fields):
        planned.append(
            ConfigurationItem(asset_tag=tag, name=name, ci_class=classes[ci_class], **fields)
        )

    def warranty(n):
        # Spread over expired, ending soon and in warranty.
        return today + timedelta(days=(n * 37) % 1500 - 400)

    add(
        "UPS-001",
        "机房 UPS",
        "ups",
        location=machine_room,
        supplier=inspur,
        warranty_end=warranty(7),
        attributes={"capacity_va": 10000},
        seal_status=SealStatus.INTACT,
    )
    add(
        "NW-CORE",
        "核心交换机",
        "network",
        location=machine_room,
        supplier=huawei,
        ip_address="10.0.0.1",
        warranty_end=warranty(3),
        service_level=vip,
        attributes={"kind": "交换机", "ports": 48},
    )
    links.append(("NW-CORE", RelationshipType.DEPENDS_ON, "UPS-001"))
    for floor in FLOORS:
        tag = f"NW-F{floor}"
        add(
            tag,
            f"{floor} 楼接入交换机",
            "network",
            location=locations.get((floor, f"{floor}01")),
            supplier=huawei,
            ip_address=f"10.0.{floor}.1",
            warranty_end=warranty(int(floor)),
            attributes={"kind": "交换机", "ports": 24},
        )
        links.append((tag, RelationshipType.CONNECTED_TO, "NW-CORE"))
    for tag, name, ip, key in SERVERS:
        add(
            tag,
            name,
            "server",
            location=machine_room,
            supplier=inspur,
            ip_address=ip,
            warranty_end=warranty(int(tag[-1]) * 11),
            service_level=vip if key else None,
            department=departments.get("infocentre"),
            seal_status=SealStatus.INTACT,
            attributes={"os": "CentOS 7" if key else "Windows Server 2019", "rack": f"A{tag[-1]}"},
        )
        links.append((tag, RelationshipType.CONNECTED_TO, "NW-CORE"))
        links.append((tag, RelationshipType.DEPENDS_ON, "UPS-001"))
    for tag, name, runs_on, depends_on, _using in APPLICATIONS:
        add(
            tag,
            name,
            "application",
            department=departments.get("infocentre"),
            attributes={"version": "2.0"},
        )
        links.append((tag, RelationshipType.RUNS_ON, runs_on))
        if depends_on:
            links.append((tag, RelationshipType.DEPENDS_ON, depends_on))

    desktops_by_department: dict[str, list[str]] = {}
    for n in range(1, DESKTOPS + 1):
        tag = f"PC-{n:04d}"
        person = owners[n - 1] if n <= len(owners) else None
        location = person.location if person else machine_room
        floor = location.floor if location else "1"
        spare = person is None
        status = (
            CIStatus.SPARE if spare else (CIStatus.IN_REPAIR if n % 47 == 0 else CIStatus.IN_USE)
        )
        common = {
            "responsible": person.user if person else None,
            "department": person.department if person else None,
            "location": location,
            "status": status,
        }
        add(
            tag,
            f"{person.name}的台式机" if person else "备用台式机",
            "desktop",
            supplier=lenovo,
            contract_number=f"HT-2024-{(n - 1) // 100 + 1:03d}",
            serial_number=f"LNV{n:07d}",
            system_serial=f"W10-{n:05d}",
            ip_address=None if spare else f"10.1.{floor}.{10 + n % 240}",
            warranty_end=warranty(n),
            seal_status=SealStatus.BROKEN if n % 53 == 0 else SealStatus.INTACT,
            seal_checked_at=timezone.now() - timedelta(days=n % 90),
            attributes={
                "hostname": f"PC{n:04d}",
                "os": "Windows 10",
                "memory_gb": 8 if n % 3 else 16,
            },
            **common,
        )
        if not spare:
            links.append((tag, RelationshipType.CONNECTED_TO, f"NW-F{floor}"))
            desktops_by_department.setdefault(
                person.department.code if person.department else "", []
            ).append(tag)
        for prefix, name, ci_class in (
            ("MN", "显示器", "monitor"),
            ("KB", "键盘", "peripheral"),
            ("MS", "鼠标", "peripheral"),
        ):
            child = f"{prefix}-{n:04d}"
            add(
                child,
                name,
                ci_class,
                supplier=lenovo,
                serial_number=f"{prefix}{n:07d}",
                warranty_end=warranty(n),
                **common,
            )
            parents[child] = tag
    for n in range(1, PRINTERS + 1):
        floor = FLOORS[n % len(FLOORS)]
        location = locations.get((floor, f"{floor}{ROOMS[n % len(ROOMS)]}"))
        person = owners[(n * 3) % len(owners)]
        add(
            f"PR-{n:03d}",
            f"{floor} 楼打印机 {n:03d}",
            "printer",
            supplier=hp,
            location=location,
            responsible=person.user,
            department=person.department,
            contract_number="HT-2024-010",
            serial_number=f"HP{n:07d}",
            ip_address=f"10.1.{floor}.{200 + n % 50}",
            warranty_end=warranty(n + 500),
            status=CIStatus.IN_REPAIR if n % 31 == 0 else CIStatus.IN_USE,
            attributes={"kind": "激光", "networked": True},
        )
        links.append((f"PR-{n:03d}", RelationshipType.CONNECTED_TO, f"NW-F{floor}"))
    for tag, _name, _runs_on, _depends_on, using in APPLICATIONS:
        for code in using:
            links.extend(
                (tag, RelationshipType.USED_BY, d) for d in desktops_by_department.get(code, [])
            )

    existing = set(ConfigurationItem.objects.values_list("asset_tag", flat=True))
    missing = [item for item in planned if item.asset_tag not in existing]
    if not missing:
        return (
            f"estate already loaded, {len(existing)} items; {_seed_outages(today)}; "
            f"{_seed_software()}; {_seed_lifecycle(today)}"
        )
    ConfigurationItem.objects.bulk_create(missing, batch_size=500)
    ids = dict(ConfigurationItem.objects.values_list("asset_tag", "pk"))
    children = [item for item in missing if item.asset_tag in parents]
    for item in children:
        item.pk = ids[item.asset_tag]
        item.parent_id = ids[parents[item.asset_tag]]
    ConfigurationItem.objects.bulk_update(children, ["parent"], batch_size=500)
    CIRelationship.objects.bulk_create(
        [CIRelationship(source_id=ids[s], type=t, target_id=ids[d]) for s, t, d in links],
        ignore_conflicts=True,
        batch_size=500,
    )
    # The email system is used by everyone with a login in the building.
    ConfigurationItemUser.objects.bulk_create(
        [ConfigurationItemUser(item_id=ids["APP-004"], user_id=p.user_id) for p in owners],
        ignore_conflicts=True,
        batch_size=500,
    )
    outages = _seed_outages(today)
    lifecycle = _seed_lifecycle(today)
    return (
        f"{len(missing)} items and {len(links)} relationships created; {outages}; "
        f"{_seed_software()}; {lifecycle}"
    )


def _seed_software() -> str:
    from .demo_software import seed_responsible_rule, seed_software

    return f"{seed_software()}; {seed_responsible_rule()}"


# (months back, service tag, day of month, local start, hours, cause): a year of the
# supervisor's own records, so availability has something to show in every report.
DEMO_OUTAGES = [
    (1, "APP-001", 14, (9, 0), 3, "数据库连接池耗尽，重启应用服务"),
    (2, "NW-CORE", 9, (22, 0), 2, "核心交换机固件升级（夜间窗口超时）"),
    (3, "APP-003", 20, (14, 0), 1.5, "公文系统证书过期"),
    (5, "SV-004", 6, (10, 30), 0.5, "邮件服务器磁盘满"),
    (7, "APP-002", 18, (8, 30), 6, "财务核算系统升级回退"),
    (10, "APP-001", 11, (15, 0), 1, "存储链路抖动"),
]


def _seed_outages(today) -> str:
    """Outages recorded by the supervisor over the past year (idempotent)."""
    from django.contrib.auth import get_user_model

    from .choices import OutageSource
    from .models import ServiceOutage
    from .services.outages import outage_create

    if ServiceOutage.objects.filter(source=OutageSource.MANUAL).exists():
        return "outages already recorded"
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    services = {ci.asset_tag: ci for ci in ConfigurationItem.objects.filter(
        asset_tag__in={row[1] for row in DEMO_OUTAGES})}  # fmt: skip
    if supervisor is None or not services:
        return "no outages (supervisor or services missing)"
    made = 0
    for back, tag, day, (hour, minute), hours, cause in DEMO_OUTAGES:
        month = today.replace(day=1)
        for _ in range(back):
            month = (month - timedelta(days=1)).replace(day=1)
        start = timezone.make_aware(datetime.combine(month.replace(day=day), time(hour, minute)))
        if tag in services:
            outage_create(actor=supervisor, service=services[tag], started_at=start,
                          ended_at=start + timedelta(hours=hours), cause=cause)  # fmt: skip
            made += 1
    return f"{made} outages"


def _classes() -> dict[str, CIClass]:
    CIClass.objects.get_or_create(
        code="peripheral",
        defaults={
            "name": "外设（键盘、鼠标、音箱）",
            "icon": "keyboard",
            "tag_prefix": "KB",
            "is_accessory": True,
        },
    )
    return {c.code: c for c in CIClass.objects.all()}


def _owners(*, needed: int) -> list[Person]:
    """The demo end users first, then extra end users (no login) until every desk has one."""
    people = list(
        Person.objects.filter(user__groups__name=Role.END_USER.value)
        .select_related("user", "department", "location")
        .order_by("user__username")
    )
    if len(people) >= needed:
        return people[:needed]
    departments = {d.code: d for d in Department.objects.filter(code__in=OWNER_DEPARTMENTS)}
    locations = list(
        Location.objects.filter(
            building__name="机关办公楼", floor__in=FLOORS[2:], room__regex=r"^\d+$"
        ).order_by("floor", "room")
    )
    taken = set(
        get_user_model()
        .objects.filter(username__startswith="staff")
        .values_list("username", flat=True)
    )
    with disable_auditlog():  # seed data: thousands of "created" entries help nobody
        _create_people(people, needed, taken, departments, locations)
    # The same order as a later run's query, so a re-run pairs desks and owners alike.
    return sorted(people, key=lambda p: p.user.username)


def _create_people(people, needed, taken, departments, locations) -> None:
    n = 0
    while len(people) < needed:
        n += 1
        username = f"staff{n:03d}"
        if username in taken:
            continue
        name = (
            SURNAMES[n % len(SURNAMES)]
            + GIVEN[(n * 7) % len(GIVEN)]
            + (GIVEN[(n * 3) % len(GIVEN)] if n % 2 else "")
        )
        people.append(
            person_create(
                username=username,
                name=name,
                email=f"{username}@example.gov.cn",
                roles=(Role.END_USER,),
                department=departments.get(OWNER_DEPARTMENTS[n % len(OWNER_DEPARTMENTS)]),
                location=locations[n % len(locations)] if locations else None,
                phone=f"020-8332{n:04d}",
            )
        )


# Replacement rules per class: (class code, max age in years, faults, within months).
AGEING_RULES = [
    ("desktop", 6, 3, 12),
    ("laptop", 5, 3, 12),
    ("printer", 6, 4, 12),
    ("server", 8, None, 12),
]
# Spare parts agreed with the client: (name, model, unit, in stock, minimum). The toner is
# below its minimum, so the spare-demand page and report suggest an order.
DEMO_PARTS = [
    ("内存条", "8G DDR4", "条", 6, 2),
    ("硒鼓", "HP CF226A", "个", 1, 4),
    ("键盘", "USB 有线", "个", 5, 2),
    ("电源适配器", "65W", "个", 3, 1),
]
# Tools brought on site: (name, serial, stores data, owner username, company, days ago,
# taken out days ago, check on entry).
DEMO_TOOLS = [
    ("网络测试仪", "FLK-2031", False, "engineer", "", 200, None, ""),
    (
        "移动硬盘（系统镜像）",
        "WD-77120",
        True,
        "engineer",
        "",
        120,
        None,
        "仅含系统安装镜像，无客户数据",
    ),
    ("硬盘克隆机", "CL-0456", True, "", "越维科技", 90, 30, "已清空"),
    ("工具箱", "", False, "engineer2", "", 60, None, ""),
]


def _seed_lifecycle(today) -> str:
    """Ageing rules, purchase dates, spare stock and tools on site (idempotent)."""
    from .models import AgeingRule, PartType, SiteTool, Stock

    classes = {c.code: c for c in CIClass.objects.all()}
    for code, years, faults, months in AGEING_RULES:
        if code in classes:
            AgeingRule.objects.get_or_create(
                ci_class=classes[code],
                defaults={"max_age_years": years, "fault_count": faults, "fault_months": months},
            )
    # Purchase dates: desktops bought over about six years, a tenth older than six years.
    undated = list(
        ConfigurationItem.objects.filter(purchased_on__isnull=True, parent__isnull=True)
        .exclude(ci_class__code="application")
        .only("pk", "asset_tag")
    )
    for item in undated:
        n = sum(ord(ch) for ch in item.asset_tag)
        item.purchased_on = today - timedelta(days=400 + (n * 53) % 1900)
        if item.asset_tag in ("PC-0005", "PC-0006", "PR-007"):
            item.purchased_on = today - timedelta(days=365 * 7 + 30)
    with disable_auditlog():
        ConfigurationItem.objects.bulk_update(undated, ["purchased_on"], batch_size=500)

    building = Building.objects.filter(name="机关办公楼").first()
    store = None
    if building is not None:
        store, _ = Location.objects.get_or_create(building=building, floor="1", room="备件库")
    if store is not None:
        for name, model, unit, quantity, minimum in DEMO_PARTS:
            part, _ = PartType.objects.get_or_create(
                name=name, model=model, defaults={"unit": unit}
            )
            Stock.objects.get_or_create(
                part_type=part,
                location=store,
                defaults={"quantity": quantity, "minimum_level": minimum},
            )
    users = get_user_model().objects.in_bulk(
        ["engineer", "engineer2", "admin"], field_name="username"
    )
    registrar = users.get("engineer") or users.get("admin")
    tools = 0
    if registrar is not None and not SiteTool.objects.exists():
        for name, serial, stores, owner, company, days, out, check in DEMO_TOOLS:
            owner_user = users.get(owner) if owner else None
            if owner_user is None and not company:
                company = "越维科技"
            SiteTool.objects.create(
                name=name,
                serial_number=serial,
                stores_data=stores,
                owner=owner_user,
                owner_company=company,
                location=store,
                brought_in_on=today - timedelta(days=days),
                taken_out_on=today - timedelta(days=out) if out else None,
                check_in=check,
                check_out="离场检查：无客户数据" if out and stores else "",
                registered_by=registrar,
            )
            tools += 1
    return f"{len(undated)} purchase dates, {len(DEMO_PARTS)} spare parts, {tools} tools"
