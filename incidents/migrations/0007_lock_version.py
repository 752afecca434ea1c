# The optimistic-lock counter takes the one name every process uses (itsm.workflow).
# A rename keeps every row's counter, so pages open during the upgrade still conflict
# correctly instead of starting over at 1.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_department_permission"),
    ]

    operations = [
        migrations.RenameField(model_name="workorder", old_name="version", new_name="lock_version"),
        migrations.AlterField(
            model_name="workorder",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="lock version"
            ),
        ),
    ]
