"""The controlled documents move from the knowledge app into their own app.

State only: the tables stay as they are (the models keep `db_table` = the old
knowledge_* names), so no row and no uploaded file moves. knowledge 0007 removes the
models from the knowledge app's state; 0002 here renames the lock counter and moves the
content types, so permissions, audit log entries and transition logs follow the models.
"""

import django.db.models.deletion
import django.utils.timezone
import django_fsm
from django.conf import settings
from django.db import migrations, models

import documents.models.catalogue


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("knowledge", "0006_record_source_problem"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ControlledDocument",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "revision",
                            models.PositiveIntegerField(
                                default=1, editable=False, verbose_name="revision"
                            ),
                        ),
                        (
                            "number",
                            models.CharField(
                                max_length=16, unique=True, verbose_name="document number"
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("A", "Level 1 (overall)"),
                                    ("B", "Level 2 (procedure)"),
                                    ("C", "Level 3 (supporting document)"),
                                    ("D", "Level 4 (form)"),
                                ],
                                max_length=1,
                                verbose_name="level",
                            ),
                        ),
                        (
                            "document_class",
                            models.CharField(
                                choices=[
                                    ("operations", "Operations system document"),
                                    ("project", "Project document"),
                                    ("quality", "Quality management document"),
                                    ("report", "Service report document"),
                                    ("other", "Other material"),
                                ],
                                default="operations",
                                max_length=20,
                                verbose_name="document class",
                            ),
                        ),
                        (
                            "document_type",
                            models.CharField(
                                choices=[
                                    ("manual", "Manual"),
                                    ("plan", "Plan"),
                                    ("procedure", "Procedure"),
                                    ("supporting", "Supporting document"),
                                    ("form", "Form"),
                                    ("record", "Record"),
                                    ("report", "Report"),
                                    ("contract", "Contract"),
                                    ("technical", "Technical document"),
                                    ("external", "External material"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                                verbose_name="document type",
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="document name")),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "release_date",
                            models.DateField(blank=True, null=True, verbose_name="release date"),
                        ),
                        (
                            "storage_location",
                            models.CharField(
                                blank=True,
                                help_text="Where the paper original is kept, e.g. ops office, cabinet A, shelf 3.",
                                max_length=200,
                                verbose_name="storage location",
                            ),
                        ),
                        (
                            "electronic_location",
                            models.CharField(
                                blank=True,
                                help_text="Where the electronic original is kept besides this catalogue.",
                                max_length=300,
                                verbose_name="electronic location",
                            ),
                        ),
                        (
                            "retention_years",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Empty: kept permanently.",
                                null=True,
                                verbose_name="retention (years)",
                            ),
                        ),
                        (
                            "status",
                            django_fsm.FSMField(
                                choices=[
                                    ("draft", "Draft (awaiting release)"),
                                    ("effective", "Effective"),
                                    ("under_change", "Under change"),
                                    ("scrapped", "Scrapped"),
                                ],
                                db_index=True,
                                default="draft",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "check_interval_months",
                            models.PositiveSmallIntegerField(
                                default=12, verbose_name="validity check every (months)"
                            ),
                        ),
                        (
                            "last_checked_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="last validity check"
                            ),
                        ),
                        (
                            "next_check_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="next validity check"
                            ),
                        ),
                        (
                            "check_reminded_for",
                            models.DateField(blank=True, editable=False, null=True),
                        ),
                        (
                            "released_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="released at"),
                        ),
                        (
                            "scrapped_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="scrapped at"),
                        ),
                        (
                            "custodian",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="custodian_of_documents",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="custodian",
                            ),
                        ),
                        (
                            "procedure",
                            models.ForeignKey(
                                blank=True,
                                help_text="The level-2 procedure a level-3 or level-4 document derives from.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="derived",
                                to="documents.controlleddocument",
                                verbose_name="procedure",
                            ),
                        ),
                        (
                            "registered_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="registered by",
                            ),
                        ),
                        (
                            "released_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="released by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "controlled document",
                        "verbose_name_plural": "controlled documents",
                        "db_table": "knowledge_controlleddocument",
                        "ordering": ["number"],
                        "permissions": [
                            (
                                "approve_controlleddocument",
                                "Can approve document releases and applications (ops department)",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DocumentBackup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "number",
                            models.CharField(
                                editable=False, max_length=64, unique=True, verbose_name="number"
                            ),
                        ),
                        ("content", models.TextField(verbose_name="what was backed up")),
                        ("backed_up_on", models.DateField(verbose_name="backed up on")),
                        (
                            "medium",
                            models.CharField(
                                choices=[
                                    ("disk", "Removable disk"),
                                    ("optical", "Optical disc"),
                                    ("tape", "Tape"),
                                    ("network", "Network storage"),
                                    ("paper", "Paper copy"),
                                    ("other", "Other"),
                                ],
                                max_length=20,
                                verbose_name="medium",
                            ),
                        ),
                        ("location", models.CharField(max_length=200, verbose_name="kept at")),
                        (
                            "verified",
                            models.BooleanField(default=False, verbose_name="restore verified"),
                        ),
                        (
                            "verified_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="verified at"),
                        ),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        (
                            "documents",
                            models.ManyToManyField(
                                blank=True,
                                related_name="backups",
                                to="documents.controlleddocument",
                                verbose_name="documents",
                            ),
                        ),
                        (
                            "performed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="backed up by",
                            ),
                        ),
                        (
                            "verified_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="verified by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document backup record",
                        "verbose_name_plural": "document backup records",
                        "db_table": "knowledge_documentbackup",
                        "ordering": ["-backed_up_on", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="DocumentBorrowApplication",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "number",
                            models.CharField(
                                editable=False, max_length=64, unique=True, verbose_name="number"
                            ),
                        ),
                        (
                            "revision",
                            models.PositiveIntegerField(
                                default=1, editable=False, verbose_name="revision"
                            ),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                        ),
                        (
                            "decision_note",
                            models.TextField(blank=True, verbose_name="decision note"),
                        ),
                        ("purpose", models.TextField(verbose_name="purpose")),
                        (
                            "borrow_form",
                            models.CharField(
                                choices=[
                                    ("original", "Original (paper)"),
                                    ("copy", "Paper copy"),
                                    ("electronic", "Electronic copy"),
                                ],
                                default="copy",
                                max_length=20,
                                verbose_name="form",
                            ),
                        ),
                        ("due_on", models.DateField(verbose_name="return by")),
                        (
                            "status",
                            django_fsm.FSMField(
                                choices=[
                                    ("submitted", "Awaiting approval"),
                                    ("approved", "Approved, not yet handed over"),
                                    ("lent", "Lent"),
                                    ("returned", "Returned"),
                                    ("rejected", "Rejected"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                db_index=True,
                                default="submitted",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "lent_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="handed over at"
                            ),
                        ),
                        (
                            "returned_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="returned at"),
                        ),
                        (
                            "overdue_reminded_for",
                            models.DateField(blank=True, editable=False, null=True),
                        ),
                        (
                            "borrower",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="borrower",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="decided by",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="%(class)ss",
                                to="documents.controlleddocument",
                                verbose_name="document",
                            ),
                        ),
                        (
                            "lent_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="handed over by",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="applicant",
                            ),
                        ),
                        (
                            "returned_to",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="received back by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document borrowing application",
                        "verbose_name_plural": "document borrowing applications",
                        "db_table": "knowledge_documentborrowapplication",
                        "ordering": ["-created_at", "-pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="DocumentChangeApplication",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "number",
                            models.CharField(
                                editable=False, max_length=64, unique=True, verbose_name="number"
                            ),
                        ),
                        (
                            "revision",
                            models.PositiveIntegerField(
                                default=1, editable=False, verbose_name="revision"
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                blank=True,
                                max_length=200,
                                upload_to=documents.models.catalogue._document_file_path,
                                verbose_name="file",
                            ),
                        ),
                        (
                            "original_name",
                            models.CharField(blank=True, max_length=255, verbose_name="file name"),
                        ),
                        (
                            "content_type",
                            models.CharField(blank=True, max_length=100, verbose_name="file type"),
                        ),
                        ("size", models.PositiveIntegerField(default=0, verbose_name="file size")),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                        ),
                        (
                            "decision_note",
                            models.TextField(blank=True, verbose_name="decision note"),
                        ),
                        ("reason", models.TextField(verbose_name="reason for the change")),
                        ("content", models.TextField(verbose_name="content of the change")),
                        (
                            "new_version_label",
                            models.CharField(max_length=20, verbose_name="new version"),
                        ),
                        (
                            "status",
                            django_fsm.FSMField(
                                choices=[
                                    ("submitted", "Awaiting approval"),
                                    ("approved", "Approved"),
                                    ("confirming", "Result awaiting confirmation"),
                                    ("completed", "Completed"),
                                    ("rejected", "Rejected"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                db_index=True,
                                default="submitted",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "change_process",
                            models.TextField(blank=True, verbose_name="how the change was made"),
                        ),
                        (
                            "change_made",
                            models.TextField(blank=True, verbose_name="content changed"),
                        ),
                        (
                            "change_result",
                            models.TextField(blank=True, verbose_name="result of the change"),
                        ),
                        (
                            "carried_out_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="change recorded at"
                            ),
                        ),
                        (
                            "completed_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="completed at"
                            ),
                        ),
                        (
                            "carried_out_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="change recorded by",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="decided by",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="%(class)ss",
                                to="documents.controlleddocument",
                                verbose_name="document",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="applicant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document change application",
                        "verbose_name_plural": "document change applications",
                        "db_table": "knowledge_documentchangeapplication",
                        "ordering": ["-created_at", "-pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="DocumentScrapApplication",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "number",
                            models.CharField(
                                editable=False, max_length=64, unique=True, verbose_name="number"
                            ),
                        ),
                        (
                            "revision",
                            models.PositiveIntegerField(
                                default=1, editable=False, verbose_name="revision"
                            ),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                        ),
                        (
                            "decision_note",
                            models.TextField(blank=True, verbose_name="decision note"),
                        ),
                        ("reason", models.TextField(verbose_name="reason for scrapping")),
                        ("content", models.TextField(blank=True, verbose_name="what is scrapped")),
                        (
                            "status",
                            django_fsm.FSMField(
                                choices=[
                                    ("submitted", "Awaiting approval"),
                                    ("approved", "Approved"),
                                    ("confirming", "Result awaiting confirmation"),
                                    ("completed", "Completed"),
                                    ("rejected", "Rejected"),
                                    ("withdrawn", "Withdrawn"),
                                ],
                                db_index=True,
                                default="submitted",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="decided by",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="%(class)ss",
                                to="documents.controlleddocument",
                                verbose_name="document",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="applicant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document scrap application",
                        "verbose_name_plural": "document scrap applications",
                        "db_table": "knowledge_documentscrapapplication",
                        "ordering": ["-created_at", "-pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="DocumentDecision",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("registration", "Registration and release (文件登记表)"),
                                    ("change", "Change (文件更改申请单)"),
                                    ("scrap", "Scrapping (报废申请单)"),
                                    ("borrow", "Borrowing (文件借阅申请单)"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("approval", "Approval"),
                                    ("confirmation", "Confirmation of the result"),
                                ],
                                default="approval",
                                max_length=20,
                                verbose_name="stage",
                            ),
                        ),
                        (
                            "round",
                            models.PositiveSmallIntegerField(default=1, verbose_name="round"),
                        ),
                        (
                            "body",
                            models.CharField(
                                choices=[
                                    ("ops_department", "Operations department"),
                                    ("information_centre", "Information centre"),
                                ],
                                max_length=30,
                                verbose_name="approval body",
                            ),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="order"),
                        ),
                        (
                            "decision",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting decision"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="decision",
                            ),
                        ),
                        (
                            "decided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                        ),
                        ("comment", models.TextField(blank=True, verbose_name="comment")),
                        (
                            "borrow_application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="decisions",
                                to="documents.documentborrowapplication",
                                verbose_name="borrowing application",
                            ),
                        ),
                        (
                            "change_application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="decisions",
                                to="documents.documentchangeapplication",
                                verbose_name="change application",
                            ),
                        ),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="decided by",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="decisions",
                                to="documents.controlleddocument",
                                verbose_name="document",
                            ),
                        ),
                        (
                            "scrap_application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="decisions",
                                to="documents.documentscrapapplication",
                                verbose_name="scrap application",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document decision",
                        "verbose_name_plural": "document decisions",
                        "db_table": "knowledge_documentdecision",
                        "ordering": ["document", "kind", "stage", "round", "order", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="DocumentValidityCheck",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="created at"
                            ),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(auto_now=True, verbose_name="updated at"),
                        ),
                        (
                            "number",
                            models.CharField(
                                editable=False, max_length=64, unique=True, verbose_name="number"
                            ),
                        ),
                        ("checked_on", models.DateField(verbose_name="checked on")),
                        (
                            "result",
                            models.CharField(
                                choices=[
                                    ("valid", "Valid"),
                                    ("needs_change", "Needs a change"),
                                    ("obsolete", "Obsolete"),
                                ],
                                max_length=20,
                                verbose_name="result",
                            ),
                        ),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        (
                            "version_label",
                            models.CharField(
                                blank=True, max_length=20, verbose_name="version checked"
                            ),
                        ),
                        (
                            "next_check_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="next validity check"
                            ),
                        ),
                        (
                            "checked_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="checked by",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="checks",
                                to="documents.controlleddocument",
                                verbose_name="document",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document validity check",
                        "verbose_name_plural": "document validity checks",
                        "db_table": "knowledge_documentvaliditycheck",
                        "ordering": ["-checked_on", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="DocumentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "file",
                            models.FileField(
                                blank=True,
                                max_length=200,
                                upload_to=documents.models.catalogue._document_file_path,
                                verbose_name="file",
                            ),
                        ),
                        (
                            "original_name",
                            models.CharField(blank=True, max_length=255, verbose_name="file name"),
                        ),
                        (
                            "content_type",
                            models.CharField(blank=True, max_length=100, verbose_name="file type"),
                        ),
                        ("size", models.PositiveIntegerField(default=0, verbose_name="file size")),
                        ("sequence", models.PositiveIntegerField(verbose_name="sequence")),
                        ("label", models.CharField(max_length=20, verbose_name="version")),
                        ("summary", models.TextField(blank=True, verbose_name="what changed")),
                        (
                            "effective_on",
                            models.DateField(blank=True, null=True, verbose_name="effective from"),
                        ),
                        (
                            "superseded_on",
                            models.DateField(blank=True, null=True, verbose_name="superseded on"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now, verbose_name="uploaded at"
                            ),
                        ),
                        (
                            "change_application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="documents.documentchangeapplication",
                                verbose_name="change application",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                        (
                            "document",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="versions",
                                to="documents.controlleddocument",
                                verbose_name="document",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "document version",
                        "verbose_name_plural": "document versions",
                        "db_table": "knowledge_documentversion",
                        "ordering": ["document", "-sequence"],
                    },
                ),
                migrations.AddField(
                    model_name="controlleddocument",
                    name="current_version",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="documents.documentversion",
                        verbose_name="current version",
                    ),
                ),
                migrations.AddIndex(
                    model_name="documentborrowapplication",
                    index=models.Index(fields=["status", "due_on"], name="docborrow_status_due"),
                ),
                migrations.AddConstraint(
                    model_name="documentdecision",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("kind", "registration")),
                        fields=("document", "round", "body"),
                        name="docdecision_registration",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentdecision",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("kind", "change")),
                        fields=("change_application", "stage", "round", "body"),
                        name="docdecision_change",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentdecision",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("kind", "scrap")),
                        fields=("scrap_application", "stage", "round", "body"),
                        name="docdecision_scrap",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentdecision",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("kind", "borrow")),
                        fields=("borrow_application", "stage", "round", "body"),
                        name="docdecision_borrow",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentdecision",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("borrow_application__isnull", True),
                                ("change_application__isnull", True),
                                ("kind", "registration"),
                                ("scrap_application__isnull", True),
                            ),
                            models.Q(
                                ("borrow_application__isnull", True),
                                ("change_application__isnull", False),
                                ("kind", "change"),
                                ("scrap_application__isnull", True),
                            ),
                            models.Q(
                                ("borrow_application__isnull", True),
                                ("change_application__isnull", True),
                                ("kind", "scrap"),
                                ("scrap_application__isnull", False),
                            ),
                            models.Q(
                                ("borrow_application__isnull", False),
                                ("change_application__isnull", True),
                                ("kind", "borrow"),
                                ("scrap_application__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="docdecision_one_subject",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentversion",
                    constraint=models.UniqueConstraint(
                        fields=("document", "sequence"), name="docversion_sequence"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="documentversion",
                    constraint=models.UniqueConstraint(
                        fields=("document", "label"), name="docversion_label"
                    ),
                ),
                migrations.AddIndex(
                    model_name="controlleddocument",
                    index=models.Index(fields=["status", "next_check_on"], name="doc_status_check"),
                ),
                migrations.AddIndex(
                    model_name="controlleddocument",
                    index=models.Index(fields=["level", "number"], name="doc_level_number"),
                ),
            ],
        ),
    ]
