"""Knowledge records take the customer's form code: 《运维知识库》 is D0303, a form of
procedure B03 (problem management, §3.3.4.6), instead of the made-up K01.

Only the code for new numbers changes. Existing records keep their K01-… numbers: they
are cited on work orders, problems and paper, and a form number once handed out is
never changed or reused (they stay distinct from every D0303-… number). A code an
administrator has already set is left as it is.
"""

from django.db import migrations

KEY, OLD, NEW, NAME = "knowledge_record", "K01", "D0303", "运维知识库"


def forwards(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    code, created = FormCode.objects.get_or_create(key=KEY, defaults={"code": NEW, "name": NAME})
    if not created and code.code.strip().upper() == OLD:
        code.code, code.name = NEW, NAME
        code.save(update_fields=["code", "name"])


def backwards(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    FormCode.objects.filter(key=KEY, code=NEW).update(code=OLD, name="知识记录")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0008_record_lock_version"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(forwards, backwards)]
