"""Write a realistic asset spreadsheet to try the import with (issue 4's browser check).

    python manage.py cmdb_demo_sheet --out var/demo-assets.xlsx --bad-row

Chinese headers as the customer's register has them; a few rows update demo items
(new IP, new warranty), the rest are new desktops and printers placed in existing
departments and rooms. With --bad-row one row has an invalid IP address and date.
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
]


class Command(BaseCommand):
    help = "Write a demo asset spreadsheet (.xlsx or .csv) for the CMDB import."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Path of the .xlsx (or .csv) to write")
        parser.add_argument("--rows", type=int, default=20, help="New items to include")
        parser.add_argument("--bad-row", action="store_true", help="Include one invalid row")

    def handle(self, *args, out, rows, bad_row, **options):
        departments = list(Department.objects.filter(is_active=True).order_by("code")[:6])
        locations = list(Location.objects.select_related("building").order_by("pk")[:10])
        people = list(Person.objects.select_related("user").order_by("pk")[:20])
        today = date.today()
        data = []
        for n in range(1, rows + 1):
            printer = n % 5 == 0
            dept = departments[n % len(departments)] if departments else None
            loc = locations[n % len(locations)] if locations else None
            person = people[n % len(people)] if people else None
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
                ]
            )
        for ci in ConfigurationItem.objects.filter(asset_tag__startswith="PC-").order_by(
            "asset_tag"
        )[:3]:
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
