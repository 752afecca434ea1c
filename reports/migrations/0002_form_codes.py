"""The report types' form codes (admins renumber them in the admin as FormCode rows)."""

from django.db import migrations

CODES = [
    ("report_service_summary", "D0105", "月度服务总结"),
    ("report_repair_summary", "D0708", "月度维修总结"),
    ("report_operations_month", "D0106", "运维月报告"),
    ("report_operations_quarter", "D0107", "运维季度报告"),
    ("report_operations_year", "D0108", "运维年度报告"),
    ("report_inspection", "D0804", "巡检报告"),
    ("report_virus_statistics", "D1001", "病毒处理服务统计分析报告"),
    ("report_emergency", "D0405", "应急流程管理报告"),
    ("report_configuration_changes", "D0602", "基线与配置变更月报"),
]


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    for key, code, name in CODES:
        FormCode.objects.get_or_create(key=key, defaults={"code": code, "name": name})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_reports_archive"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
