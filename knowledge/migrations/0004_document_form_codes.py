"""Form codes of the document-management forms (§3.2), editable in admin like the others.

The plan names the forms but not their codes; they are numbered as level-4 forms of
procedure B09 (document management) until the customer says otherwise.
"""

from django.db import migrations

FORM_CODES = [
    ("document_change", "D0902", "文件更改申请单"),
    ("document_scrap", "D0903", "报废申请单"),
    ("document_borrow", "D0904", "文件借阅申请单"),
    ("document_backup", "D0905", "文件备份记录"),
    ("document_check", "D0906", "文件有效性检查记录"),
]


def seed(apps, schema_editor):
    FormCode = apps.get_model("itsm", "FormCode")
    for key, code, name in FORM_CODES:
        FormCode.objects.get_or_create(key=key, defaults={"code": code, "name": name})


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_documents"), ("itsm", "0002_form_codes")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
