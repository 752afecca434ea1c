"""Reference data every installation starts with; all of it is editable in admin."""

import datetime

from django.db import migrations

# Contract service levels (§6.2.1), in business minutes.
SERVICE_LEVELS = [
    ("vip", "VIP", 30, 60, 120),
    ("advanced", "高级", 20, 60, 240),
    ("standard", "标准", 10, 120, 240),
]

# A Chinese government office's day: 08:30–12:00, lunch, 13:30–17:30, Monday to Friday.
WORKING_PERIODS = [
    (weekday, start, end)
    for weekday in range(5)
    for start, end in (
        (datetime.time(8, 30), datetime.time(12, 0)),
        (datetime.time(13, 30), datetime.time(17, 30)),
    )
]

ROLES = ["end_user", "service_desk", "engineer", "supervisor", "approver", "manager", "admin"]


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("servicedesk", "ServiceLevel")
    WorkingPeriod = apps.get_model("servicedesk", "WorkingPeriod")
    CalendarDay = apps.get_model("servicedesk", "CalendarDay")
    Group = apps.get_model("auth", "Group")

    for code, name, rank, response, resolution in SERVICE_LEVELS:
        ServiceLevel.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "response_minutes": response,
                "resolution_minutes": resolution,
                "is_default": code == "standard",
            },
        )
    if not WorkingPeriod.objects.exists():
        WorkingPeriod.objects.bulk_create(
            WorkingPeriod(weekday=w, start=s, end=e) for w, s, e in WORKING_PERIODS
        )
    for role in ROLES:
        Group.objects.get_or_create(name=role)

    # This year's and next year's holidays from the package; the daily task keeps them
    # current and admins correct them when the State Council announces.
    from servicedesk.calendar import package_days

    year = datetime.date.today().year
    for day, (kind, name) in package_days([year, year + 1]).items():
        CalendarDay.objects.get_or_create(
            date=day, defaults={"kind": kind, "name": name, "source": "package"}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
