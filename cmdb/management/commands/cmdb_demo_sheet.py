"""Write a realistic asset spreadsheet to try the import with (issue 4's browser check).

    python manage.py cmdb_demo_sheet --out var/demo-assets.xlsx --bad-row

Chinese headers as the customer's register has them; a few rows update demo items
(new IP, new warranty), the rest are new desktops, printers and monitors placed in
existing departments and rooms. Monitors are accessories: their parent's tag is in the
父项资产编号 column (a desktop earlier in the sheet, the first one an existing PC), and
their room, department and user are left empty so that they follow the parent. The
class attributes 品牌型号, CPU, 内存 (GB) and 尺寸 (英寸) are filled where the class has
them. With --bad-row one row has an invalid IP address and date; with --bad-accessory
one monitor names a parent that does not exist and a size that is not a number.
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand

from cmdb.models import ConfigurationItem
from cmdb.tabular import xlsx_write
from servicedesk.models import Department, Location, Person

HEADERS = [
    "资产编号",
    "资产名称",
    "类别",
    "合同采购编号",
    "序列号",
    "保修截止",
    "IP",
    "系统序列号",
    "供应商",
    "责任人",
    "处室",
    "位置",
    "状态",
    "父项资产编号",
    "品牌型号",
    "CPU",
    "内存 (GB)",
    "尺寸 (英寸)",
]


class Command(BaseCommand):
    help = "Write a demo asset spreadsheet (.xlsx or .csv) for the CMDB import."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Path of the .xlsx (or .csv) to write")
        parser.add_argument("--rows", type=int, default=20, help="New items to include")
        parser.add_argument("--bad-row", action="store_true", help="Include one invalid row")
        parser.add_argument(
            "--bad-accessory",
            action="store_true",
            help="Include a monitor with an unknown parent and a size that is not a number",
        )

    def handle(self, *args, out, rows, bad_row, bad_accessory, **options):
        departments = list(Department.objects.filter(is_active=True).order_by("code")[:6])
        locations = list(Location.objects.select_related("building").order_by("pk")[:10])
        people = list(Person.objects.select_related("user").order_by("pk")[:20])
        today = date.today()
        existing_pcs = list(
            ConfigurationItem.objects.filter(asset_tag__startswith="PC-").order_by("asset_tag")[:3]
        )
        data = []
        for n in range(1, rows + 1):
            printer = n % 5 == 0
            dept = departments[n % len(departments)] if departments else None
            loc = locations[n % len(locations)] if locations else None
            person = people[n % len(people)] if people else None
            if n % 4 == 0 and not printer:
                # The previous desktop (not a printer) is the parent; the first monitor
                # goes on a PC already in the CMDB.
                parent = n - 1 if (n - 1) % 5 else n - 2
                parent_tag = (
                    existing_pcs[0].asset_tag if n == 4 and existing_pcs else f"IMP-{parent:04d}"
                )
                data.append(
                    [
                        f"IMP-{n:04d}",
                        f"显示器 {n:03d}",
                        "显示器",
                        f"HT-2025-{100 + n}",
                        f"SN{2025000 + n}",
                        (today + timedelta(days=365 * 3 - n)).isoformat(),
                        *[""] * 6,
                        "在用",
                        parent_tag,
                        "联想 L24e-30",
                        "",
                        "",
                        "23.8",
                    ]
                )
                continue
            data.append(
                [
                    f"IMP-{n:04d}",
                    f"{'激光打印机' if printer else '台式计算机'} {n:03d}",
                    "打印机" if printer else "台式计算机",
                    f"HT-2025-{100 + n}",
                    f"SN{2025000 + n}",
                    (today + timedelta(days=365 * 3 - n)).isoformat(),
                    f"10.9.{n // 200}.{10 + n % 200}",
                    "" if printer else f"SYS-{n:05d}",
                    "惠普打印服务商" if printer else "联想华北技术服务中心",
                    f"{person.name} ({person.user.username})" if person else "",
                    dept.name if dept else "",
                    str(loc) if loc else "",
                    "在用" if n % 7 else "库存",
                    "",
                    "HP LaserJet Pro M405dn" if printer else "联想 启天 M430",
                    "" if printer else "Intel i5-10500",
                    "" if printer else str(8 if n % 3 else 16),
                    "",
                ]
            )
        for ci in existing_pcs:
            # An update: same tag in lower case, a new IP; other cells empty = unchanged.
            data.append(
                [
                    ci.asset_tag.lower(),
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"10.8.0.{ci.pk % 250 + 1}",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
        if bad_row:
            data.append(
                [
                    "IMP-BAD1",
                    "坏行示例",
                    "台式计算机",
                    "",
                    "",
                    "2025-13-45",
                    "10.0.0.300",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "在用",
                    *[""] * 5,
                ]
            )
        if bad_accessory:
            data.append(
                [
                    "IMP-BAD2",
                    "坏的显示器",
                    "显示器",
                    *[""] * 9,
                    "在用",
                    "PC-9999",
                    "",
                    "",
                    "",
                    "大",
                ]
            )
        if out.lower().endswith(".csv"):
            from cmdb.tabular import csv_stream

            with open(out, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(csv_stream(HEADERS, data))
        else:
            with open(out, "wb") as handle:
                xlsx_write(handle, HEADERS, data, title="资产清单")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(data)} rows to {out}"))
