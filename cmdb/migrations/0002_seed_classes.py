"""The eleven classes of issue 4 with their extra attributes; admins may add more later."""

from django.db import migrations

TEXT, INTEGER, DECIMAL, BOOLEAN, DATE, CHOICE = (
    "text",
    "integer",
    "decimal",
    "boolean",
    "date",
    "choice",
)


def attr(key, label, kind=TEXT, required=False, choices=None):
    spec = {"key": key, "label": label, "type": kind, "required": required}
    if choices:
        spec["choices"] = choices
    return spec


COMPUTER = [
    attr("hostname", "主机名"),
    attr("brand_model", "品牌型号"),
    attr("cpu", "CPU"),
    attr("memory_gb", "内存 (GB)", INTEGER),
    attr("disk_gb", "硬盘 (GB)", INTEGER),
    attr("os", "操作系统"),
    attr("mac_address", "MAC 地址"),
]

# code, name, icon, tag prefix, accessory?, schema
CLASSES = [
    ("desktop", "台式计算机", "pc-display", "PC", False, COMPUTER),
    ("laptop", "笔记本电脑", "laptop", "NB", False, COMPUTER),
    (
        "printer",
        "打印机",
        "printer",
        "PR",
        False,
        [
            attr("brand_model", "品牌型号"),
            attr("kind", "类型", CHOICE, choices=["激光", "喷墨", "针式"]),
            attr("networked", "网络打印", BOOLEAN),
            attr("toner", "硒鼓型号"),
        ],
    ),
    ("scanner", "扫描仪", "upc-scan", "SC", False, [attr("brand_model", "品牌型号")]),
    (
        "monitor",
        "显示器",
        "display",
        "MN",
        True,
        [attr("brand_model", "品牌型号"), attr("size_inch", "尺寸 (英寸)", DECIMAL)],
    ),
    (
        "server",
        "服务器",
        "hdd-rack",
        "SV",
        False,
        [*COMPUTER, attr("rack", "机柜位置"), attr("virtual", "虚拟机", BOOLEAN)],
    ),
    (
        "network",
        "网络设备",
        "router",
        "NW",
        False,
        [
            attr("kind", "类型", CHOICE, required=True, choices=["交换机", "路由器", "防火墙"]),
            attr("brand_model", "品牌型号"),
            attr("ports", "端口数", INTEGER),
            attr("management_url", "管理地址"),
        ],
    ),
    (
        "ups",
        "UPS 不间断电源",
        "battery-charging",
        "UPS",
        False,
        [attr("capacity_va", "容量 (VA)", INTEGER), attr("battery_replaced", "电池更换日期", DATE)],
    ),
    (
        "phone",
        "电话",
        "telephone",
        "TEL",
        False,
        [
            attr("extension", "分机号"),
            attr("kind", "类型", CHOICE, choices=["IP 电话", "模拟电话", "手机"]),
        ],
    ),
    (
        "licence",
        "软件许可",
        "key",
        "LIC",
        False,
        [
            attr("product", "产品", required=True),
            attr("seats", "授权数", INTEGER),
            attr("expires", "到期日", DATE),
        ],
    ),
    (
        "application",
        "业务系统",
        "diagram-3",
        "APP",
        False,
        [attr("version", "版本"), attr("url", "访问地址"), attr("owner_department", "主管部门")],
    ),
]


def seed(apps, schema_editor):
    CIClass = apps.get_model("cmdb", "CIClass")
    for code, name, icon, prefix, accessory, schema in CLASSES:
        CIClass.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "icon": icon,
                "tag_prefix": prefix,
                "is_accessory": accessory,
                "attribute_schema": schema,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("cmdb", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
