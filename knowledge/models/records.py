from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from itsm.cache import CachedTableModel
from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import STATUS_COLOURS, Audience, Status


class KnowledgeRecordQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        # The rule itself lives with the refusal messages in knowledge.permissions.
        from ..permissions import record_filter

        condition = record_filter(user, action)
        return self.none() if condition is None else self.filter(condition)


class KnowledgeRecord(
    ConcurrentTransitionMixin, LockVersioned, NumberedModel, TimeStampedModel, CachedTableModel
):
    """A knowledge record (知识记录, plan §3.3.4.6): a fault, its cause and its solution.

    The customer's three-level classification is one foreign key to the fault-type leaf
    of servicedesk.Category; the problem type and the system type are its parents
    (`problem_type`, `system_type` below), so a record can never name a fault type
    under the wrong system type, and renaming a category renames it everywhere.

    A published record is never edited in place: a new version (a new draft pointing at
    it through `previous_version`) is written, reviewed and published, and publishing it
    retires the old one. `version` counts those content versions; `lock_version`
    (LockVersioned) counts saves and is the optimistic lock of the edit form and the API.
    """

    # 《运维知识库》 is a form of procedure B03 (problem management, §3.3.4.6): D0303
    # after the problem record (D0301) and the tracking record (D0302). Records numbered
    # K01-… before the scheme was followed keep their numbers (cited on work orders and
    # paper); the code is data (FormCode "knowledge_record"), editable in admin.
    FORM_KEY = "knowledge_record"
    FORM_CODE_DEFAULT = "D0303"

    title = models.CharField(_("title"), max_length=200)
    fault_type = models.ForeignKey(
        "servicedesk.Category",
        verbose_name=_("fault type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="knowledge_records",
        limit_choices_to={"level": "fault_type"},
        help_text=_("The problem type and the system type follow from the fault type."),
    )
    symptom = models.TextField(_("symptom"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("solution"))
    related_numbers = models.TextField(
        _("related form numbers"),
        blank=True,
        help_text=_("Work orders, problems or changes, one number per line or comma separated."),
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
    )
    source_work_order_number = models.CharField(
        _("source work order"), max_length=64, blank=True, db_index=True
    )
    source_problem_number = models.CharField(
        _("source problem"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("The problem whose workaround this record publishes as a known error."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    not_helpful_count = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    objects = KnowledgeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("knowledge record")
        verbose_name_plural = _("knowledge records")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "audience"], name="kr_status_audience"),
        ]
        permissions = [
            ("publish_knowledgerecord", _("Can review, publish, retire and merge records")),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    # The work-order page's suggestions are cached per version of the records
    # (knowledge.views.suggest): any save or delete starts a new one (CachedTableModel).
    SUGGEST_CACHE_KEY = CACHE_KEY = "knowledge.suggest.version"

    def get_absolute_url(self):
        return reverse("knowledge:detail", args=[self.number])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def system_type(self):
        """The fault type's parent; select_related("fault_type__parent__parent") first."""
        return self.fault_type.parent if self.fault_type_id else None

    @property
    def problem_type(self):
        system_type = self.system_type
        return system_type.parent if system_type is not None else None

    @property
    def category_path(self) -> str:
        return self.fault_type.path() if self.fault_type_id else ""

    @property
    def related_number_list(self) -> list[str]:
        return split_numbers(self.related_numbers)

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=Status.DRAFT, target=Status.REVIEWED)
    def review(self, *, by, at):
        self.reviewed_by = by
        self.reviewed_at = at

    @transition(field=status, source=Status.REVIEWED, target=Status.DRAFT)
    def rework(self):
        self.reviewed_by = None
        self.reviewed_at = None

    @transition(field=status, source=Status.REVIEWED, target=Status.PUBLISHED)
    def publish(self, *, at):
        self.published_at = at

    @transition(
        field=status,
        source=[Status.DRAFT, Status.REVIEWED, Status.PUBLISHED],
        target=Status.RETIRED,
    )
    def retire(self, *, at, merged_into=None):
        self.retired_at = at
        if merged_into is not None:
            self.merged_into = merged_into


def split_numbers(text: str) -> list[str]:
    """Form numbers from free text: split on commas, semicolons and whitespace, de-duplicated."""
    import re

    parts = re.split(r"[\s,，;；、]+", text or "")
    return list(dict.fromkeys(p for p in parts if p))


class Visibility(models.IntegerChoices):
    """Who finds a record in search, copied onto its index terms (see KnowledgeTerm)."""

    HIDDEN = 0, _("Nobody (not published)")
    STAFF = 1, _("IT staff")
    EVERYONE = 2, _("Everyone")


def record_visibility(record) -> int:
    if record.status != Status.PUBLISHED:
        return Visibility.HIDDEN
    return Visibility.EVERYONE if record.audience == Audience.PUBLIC else Visibility.STAFF


class KnowledgeTerm(models.Model):
    """The inverted index: one row per (record, term) with the term's weight in the record.

    Filled by knowledge.services whenever a record's text changes. Searching is a
    `term IN (…)` lookup grouped by record and ordered by the summed weight: plain SQL,
    the same on SQLite and PostgreSQL, with no extension or special tokenizer.

    `visibility` repeats who may find the record (published, and for whom), kept in step
    by the services on every transition, so a search reads the (term, visibility,
    record, weight) index alone: no join to the records, however common the term.
    """

    record = models.ForeignKey(KnowledgeRecord, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(_("term"), max_length=32)
    weight = models.PositiveSmallIntegerField(_("weight"))
    visibility = models.PositiveSmallIntegerField(
        _("found by"), choices=Visibility.choices, default=Visibility.HIDDEN
    )

    class Meta:
        verbose_name = _("index term")
        verbose_name_plural = _("index terms")
        indexes = [
            models.Index(
                fields=["term", "visibility", "record", "weight"], name="kt_term_visibility"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["record", "term"], name="kt_record_term_unique")
        ]

    def __str__(self):
        return f"{self.term} ({self.weight})"


class KnowledgeFeedback(models.Model):
    """One "did this help?" answer: one per user and record.

    `from_report` marks answers given from the suggestion box of the fault form; a
    "helpful" one there is a fault that did not need a work order (a deflection).
    """

    record = models.ForeignKey(
        KnowledgeRecord,
        verbose_name=_("knowledge record"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="knowledge_feedback",
    )
    helpful = models.BooleanField(_("helpful"))
    from_report = models.BooleanField(_("from the fault form"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("knowledge feedback")
        verbose_name_plural = _("knowledge feedback")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "record"], name="kf_one_vote_per_user")
        ]
        indexes = [
            models.Index(fields=["from_report", "helpful", "created_at"], name="kf_deflection")
        ]

    def __str__(self):
        return f"{self.record_id}: {'+' if self.helpful else '-'}"
