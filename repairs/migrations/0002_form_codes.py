"""The process's form codes (admins renumber them in the admin as FormCode rows)."""

from django.db import migrations

CODES = [
    ("repair_order", "D0701", "设备送修单"),
    ("vendor_order", "D0702", "维修商服务工作单"),
    ("vendor_nonconformance", "D0703", "维修商不合格情况记录表"),
    ("vendor_blacklist_add", "D0704", "增加维修商黑名单申请表"),
    ("vendor_blacklist_remove", "D0705", "撤销维修商黑名单申请表"),
    ("vendor_blacklist", "D0706", "维修商黑名单"),
    ("repair_part", "D0707", "保外维修配件比价单"),
]


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    for key, code, name in CODES:
        FormCode.objects.get_or_create(key=key, defaults={"code": code, "name": name})


class Migration(migrations.Migration):
    dependencies = [("repairs", "0001_initial"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
