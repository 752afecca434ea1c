from django.db import migrations, models


class Migration(migrations.Migration):
    """The optimistic-lock counter is called lock_version in every process (itsm.workflow)."""

    dependencies = [
        ("changes", "0004_release_form_code_and_approvers"),
    ]

    operations = [
        migrations.RenameField(
            model_name="changerequest", old_name="version", new_name="lock_version"
        ),
        migrations.AlterField(
            model_name="changerequest",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="lock version"
            ),
        ),
        migrations.RenameField(model_name="release", old_name="version", new_name="lock_version"),
        migrations.AlterField(
            model_name="release",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="lock version"
            ),
        ),
    ]
