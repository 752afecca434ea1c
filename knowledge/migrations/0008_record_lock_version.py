from django.db import migrations, models


class Migration(migrations.Migration):
    """The optimistic-lock counter is called lock_version in every process (itsm.workflow)."""

    dependencies = [
        ("knowledge", "0007_documents_moved_out"),
    ]

    operations = [
        migrations.RenameField(
            model_name="knowledgerecord", old_name="revision", new_name="lock_version"
        ),
        migrations.AlterField(
            model_name="knowledgerecord",
            name="lock_version",
            field=models.PositiveIntegerField(
                default=1, editable=False, verbose_name="lock version"
            ),
        ),
    ]
