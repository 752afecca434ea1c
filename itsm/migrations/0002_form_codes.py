from django.db import migrations

# The customer's form codes known from the operations plan (§3.2 A); admins add the rest.
FORM_CODES = [
    ("work_order", "D0201", "运维工作单"),
    ("work_order_tracking", "D0302", "工单跟踪记录"),
    ("emergency_report", "D0405", "应急报告"),
]


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    for key, code, name in FORM_CODES:
        FormCode.objects.get_or_create(key=key, defaults={"code": code, "name": name})


class Migration(migrations.Migration):
    dependencies = [("itsm", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
