"""The controlled documents now live in the documents app (documents 0001): remove them
from the knowledge app's state only. Their tables and rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0006_record_source_problem"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                # The references between them first, then the models (dependants first).
                migrations.RemoveField(model_name="controlleddocument", name="current_version"),
                migrations.RemoveField(model_name="documentversion", name="change_application"),
                migrations.DeleteModel(name="DocumentDecision"),
                migrations.DeleteModel(name="DocumentValidityCheck"),
                migrations.DeleteModel(name="DocumentBackup"),
                migrations.DeleteModel(name="DocumentBorrowApplication"),
                migrations.DeleteModel(name="DocumentScrapApplication"),
                migrations.DeleteModel(name="DocumentChangeApplication"),
                migrations.DeleteModel(name="DocumentVersion"),
                migrations.DeleteModel(name="ControlledDocument"),
            ],
        ),
    ]
