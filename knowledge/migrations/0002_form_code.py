"""The knowledge record's form code, so admins find it next to the others and can renumber it."""

from django.db import migrations


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    FormCode.objects.get_or_create(
        key="knowledge_record", defaults={"code": "K01", "name": "知识记录"}
    )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
