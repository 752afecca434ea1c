"""The problem's form code, so admins find it next to the others and can renumber it."""

from django.db import migrations


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    FormCode.objects.get_or_create(key="problem", defaults={"code": "D0301", "name": "问题记录单"})


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
