from django.db import migrations, models


class Migration(migrations.Migration):
    """The optimistic-lock counter is called lock_version in every process (itsm.workflow)."""

    dependencies = [
        ("problems", "0002_form_code"),
    ]

    operations = [
        migrations.RenameField(model_name="problem", old_name="version", new_name="lock_version"),
        migrations.AlterField(
            model_name="problem",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="lock version"
            ),
        ),
    ]
