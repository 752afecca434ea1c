"""After the move: the lock counter takes the pipeline's one name (`revision` →
`lock_version`, itsm.workflow), and the moved models' content types change app label,
so their permissions (and the roles holding them), audit log entries and transition
logs follow them; the beat entry of the reminders points at the task's new module."""

from django.db import migrations, models

MODELS = [
    "controlleddocument",
    "documentversion",
    "documentchangeapplication",
    "documentscrapapplication",
    "documentborrowapplication",
    "documentdecision",
    "documentbackup",
    "documentvaliditycheck",
]
LOCKED = [
    "controlleddocument",
    "documentchangeapplication",
    "documentscrapapplication",
    "documentborrowapplication",
]
OLD_TASK, NEW_TASK = "knowledge.tasks.document_reminders", "documents.tasks.document_reminders"
OLD_ENTRY, NEW_ENTRY = "knowledge-document-reminders", "documents-reminders"


def move_content_types(apps, schema_editor, source="knowledge", target="documents"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue  # created already (a database that never had the old one)
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="documents", target="knowledge")


def move_beat_entry(apps, schema_editor, old=(OLD_ENTRY, OLD_TASK), new=(NEW_ENTRY, NEW_TASK)):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=new[0]).exists():
        PeriodicTask.objects.filter(task=old[1]).delete()
        return
    PeriodicTask.objects.filter(task=old[1]).update(name=new[0], task=new[1])


def move_beat_entry_back(apps, schema_editor):
    move_beat_entry(apps, schema_editor, old=(NEW_ENTRY, NEW_TASK), new=(OLD_ENTRY, OLD_TASK))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("knowledge", "0007_documents_moved_out"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        *[
            migrations.RenameField(model_name=model, old_name="revision", new_name="lock_version")
            for model in LOCKED
        ],
        *[
            migrations.AlterField(
                model_name=model,
                name="lock_version",
                field=models.PositiveIntegerField(
                    default=1, editable=False, verbose_name="lock version"
                ),
            )
            for model in LOCKED
        ],
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(move_beat_entry, move_beat_entry_back),
    ]
