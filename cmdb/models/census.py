from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import TimeStampedModel
from itsm.workflow import LockVersioned
from servicedesk.models import Department, Location

from ..choices import CensusResult, CensusReview, CensusStatus, ReminderKind
from ..permissions import CensusCampaignQuerySet
from .items import CIClass, ConfigurationItem


class CensusCampaign(LockVersioned, TimeStampedModel):
    """A census (资产普查) of the items in some departments and/or locations.

    Starting it snapshots what is expected (CensusItem rows); closing it marks every
    item nobody scanned as missing. The transitions only move the state and stamp times.
    """

    name = models.CharField(_("name"), max_length=100)
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    locations = models.ManyToManyField(
        Location, verbose_name=_("locations"), blank=True, related_name="+"
    )
    due_date = models.DateField(_("due date"))
    include_accessories = models.BooleanField(
        _("include accessories"),
        default=False,
        help_text=_("Also expect monitors, keyboards and other accessories to be scanned."),
    )
    status = FSMField(
        _("status"), max_length=10, choices=CensusStatus.choices, default=CensusStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = CensusCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("census campaign")
        verbose_name_plural = _("census campaigns")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:census_detail", args=[self.pk])

    @property
    def reason(self) -> str:
        return f"census {self.name}"

    @property
    def status_colour(self) -> str:
        return CensusStatus(self.status).colour

    @transition(field=status, source=CensusStatus.DRAFT, target=CensusStatus.RUNNING)
    def start(self, *, at):
        self.started_at = at

    @transition(field=status, source=CensusStatus.RUNNING, target=CensusStatus.CLOSED)
    def close(self, *, at):
        self.closed_at = at


class CensusItem(models.Model):
    """One line of a census: an expected item (snapshotted at start) or an unexpected find.

    `expected_*` are what the CMDB said when the census started; `observed_*` what the
    engineer recorded. An unexpected row has no expected values; if its tag is unknown it
    has no item either and `observed_tag` / `observed_name` say what was found.
    """

    campaign = models.ForeignKey(
        CensusCampaign, verbose_name=_("census"), on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="census_lines",
    )
    expected = models.BooleanField(_("expected"), default=True)
    expected_location = models.ForeignKey(
        Location, verbose_name=_("expected location"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    expected_department = models.ForeignKey(
        Department, verbose_name=_("expected department"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    expected_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expected responsible user"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    result = models.CharField(
        _("result"), max_length=12, choices=CensusResult.choices, default=CensusResult.PENDING
    )
    observed_tag = models.CharField(_("observed tag"), max_length=50, blank=True)
    observed_name = models.CharField(_("observed name"), max_length=200, blank=True)
    observed_class = models.ForeignKey(
        CIClass, verbose_name=_("observed class"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    observed_serial = models.CharField(_("observed serial number"), max_length=100, blank=True)
    observed_location = models.ForeignKey(
        Location, verbose_name=_("observed location"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    observed_department = models.ForeignKey(
        Department, verbose_name=_("observed department"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    observed_responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("observed responsible user"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    review = models.CharField(
        _("review"), max_length=10, choices=CensusReview.choices, default=CensusReview.OPEN
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("census line")
        verbose_name_plural = _("census lines")
        ordering = ["campaign", "pk"]
        indexes = [models.Index(fields=["campaign", "result"], name="cmdb_census_result_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "item"],
                condition=models.Q(item__isnull=False),
                name="cmdb_census_item_once",
            ),
            models.UniqueConstraint(
                "campaign",
                models.functions.Upper("observed_tag"),
                condition=models.Q(item__isnull=True),
                name="cmdb_census_unknown_tag_once",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}: {self.tag}"

    @property
    def tag(self) -> str:
        return self.item.asset_tag if self.item_id else self.observed_tag

    @property
    def result_colour(self) -> str:
        return CensusResult(self.result).colour


class CMDBReminder(models.Model):
    """A reminder sent once: the unique (kind, key) row is the claim (key: a period or date)."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    key = models.CharField(_("key"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("CMDB reminder")
        verbose_name_plural = _("CMDB reminders")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="cmdb_reminder_once")]

    def __str__(self):
        return f"{self.kind} {self.key}"
