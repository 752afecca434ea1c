"""The release's form code (the plan names none: D0502, next to the change's D0501) and the
default release approvers: ops department and information centre (admins change both)."""

from django.db import migrations


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    FormCode.objects.get_or_create(key="release", defaults={"code": "D0502", "name": "发布单"})
    ApproverSet = apps.get_model("changes", "ApproverSet")
    if ApproverSet.objects.filter(for_releases=True).exists():
        return
    approvers, _created = ApproverSet.objects.get_or_create(name="发布授权")
    approvers.for_releases = True
    approvers.save(update_fields=["for_releases"])
    if not approvers.slots.exists():
        for order, (name, body) in enumerate(
            [("运维部", "ops_department"), ("信息中心", "information_centre")]
        ):
            approvers.slots.create(name=name, role="", approval_body=body, order=order)


class Migration(migrations.Migration):
    dependencies = [("changes", "0003_releases"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
