"""The change's form code, and the default CAB: service supervisor, ops department,
information centre (admins change it in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    FormCode.objects.get_or_create(key="change", defaults={"code": "D0501", "name": "变更申请单"})
    ApproverSet = apps.get_model("changes", "ApproverSet")
    if ApproverSet.objects.exists():
        return
    cab = ApproverSet.objects.create(name="变更咨询会议 CAB", is_default=True)
    for order, (name, role, body) in enumerate(
        [
            ("服务主管", "supervisor", ""),
            ("运维部", "", "ops_department"),
            ("信息中心", "", "information_centre"),
        ]
    ):
        cab.slots.create(name=name, role=role, approval_body=body, order=order)


class Migration(migrations.Migration):
    dependencies = [("changes", "0001_initial"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
