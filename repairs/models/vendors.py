"""Vendors (维修商), their blacklist (维修商黑名单) and the applications that change it."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned
from servicedesk.choices import ApprovalBody

from ..choices import ApplicationStatus, BlacklistKind


class VendorQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        from ..permissions import vendor_scope

        return vendor_scope(self, user, action)

    def blacklisted(self):
        return self.filter(
            Exists(BlacklistEntry.objects.filter(vendor=OuterRef("pk"), removed_on=None))
        )

    def eligible(self):
        """Vendors that may receive new orders: active and not on the blacklist."""
        return self.filter(is_active=True).exclude(
            Exists(BlacklistEntry.objects.filter(vendor=OuterRef("pk"), removed_on=None))
        )


class Vendor(TimeStampedModel):
    """A repair vendor: the CMDB's supplier (one record, so asset labels and repairs agree)
    with what the repair process needs on top."""

    supplier = models.OneToOneField(
        "cmdb.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
        related_name="vendor",
    )  # fmt: skip
    code = models.CharField(_("vendor number"), max_length=20, unique=True)
    email = models.EmailField(_("order mail address"), blank=True)
    repair_point = models.CharField(_("repair point"), max_length=200, blank=True)
    is_manufacturer = models.BooleanField(_("manufacturer (in-warranty repairs)"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("vendor logins"), blank=True,
        related_name="vendors",
        help_text=_("Logins of the vendor's staff: they see only this vendor's orders."),
    )  # fmt: skip

    objects = VendorQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.supplier.name}"

    @property
    def name(self) -> str:
        return self.supplier.name

    def get_absolute_url(self):
        return reverse("repairs:vendor_detail", args=[self.pk])

    def active_blacklist_entry(self):
        return self.blacklist_entries.filter(removed_on=None).first()


class BlacklistApplicationQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        from ..permissions import application_scope

        return application_scope(self, user, action)


class BlacklistApplication(LockVersioned, NumberedModel, TimeStampedModel):
    """增加/撤销维修商黑名单申请表: filled by the supervisor, approved by 运维部 and 信息中心."""

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="applications"
    )
    kind = models.CharField(_("application"), max_length=10, choices=BlacklistKind.choices)
    month = models.DateField(_("month counted"), help_text=_("First day of the month counted."))
    nonconformance_count = models.PositiveSmallIntegerField(_("nonconformances that month"))
    reason = models.TextField(_("reason"))
    status = FSMField(
        _("status"), max_length=12, choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT, db_index=True,
    )  # fmt: skip
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    drafted_by_system = models.BooleanField(_("drafted by the system"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = BlacklistApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor blacklist application")
        verbose_name_plural = _("vendor blacklist applications")
        ordering = ["-created_at"]
        constraints = [
            # One application of a kind in progress per vendor: the scan that drafts one
            # after the third nonconformance cannot draft it twice.
            models.UniqueConstraint(
                fields=["vendor", "kind"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="repairs_one_open_application_per_vendor_kind",
            )
        ]

    def __str__(self):
        return self.number

    @property
    def FORM_KEY(self):  # noqa: N802 - NumberedModel reads it; the two forms have their own codes
        return (
            "vendor_blacklist_add" if self.kind == BlacklistKind.ADD else "vendor_blacklist_remove"
        )

    @property
    def FORM_CODE_DEFAULT(self):  # noqa: N802
        return "D0704" if self.kind == BlacklistKind.ADD else "D0705"

    def get_absolute_url(self):
        return reverse("repairs:application_detail", args=[self.pk])

    @property
    def status_colour(self):
        return ApplicationStatus(self.status).colour

    @transition(field=status, source=ApplicationStatus.DRAFT, target=ApplicationStatus.SUBMITTED)
    def submit(self, *, at):
        self.submitted_at = at

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.APPROVED)
    def approve(self, *, at):
        self.decided_at = at

    @transition(
        field=status,
        source=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
        target=ApplicationStatus.REJECTED,
    )
    def reject(self, *, at):
        self.decided_at = at


class BlacklistDecision(TimeStampedModel):
    """One body's signature on an application: 运维部 and 信息中心 each sign once."""

    application = models.ForeignKey(
        BlacklistApplication, verbose_name=_("application"), on_delete=models.CASCADE,
        related_name="decisions",
    )  # fmt: skip
    approval_body = models.CharField(
        _("approval body"), max_length=30, choices=ApprovalBody.choices
    )
    approved = models.BooleanField(_("approved"))
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("blacklist decision")
        verbose_name_plural = _("blacklist decisions")
        ordering = ["decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "approval_body"], name="repairs_one_decision_per_body"
            )
        ]


class BlacklistEntry(NumberedModel, TimeStampedModel):
    """A line of the 维修商黑名单: number, vendor, date listed, reason. Removal keeps the line."""

    FORM_KEY = "vendor_blacklist"
    FORM_CODE_DEFAULT = "D0706"

    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="blacklist_entries"
    )
    listed_on = models.DateField(_("listed on"))
    reason = models.TextField(_("reason"))
    application = models.OneToOneField(
        BlacklistApplication, verbose_name=_("application"), on_delete=models.PROTECT,
        related_name="entry",
    )  # fmt: skip
    removed_on = models.DateField(_("removed on"), null=True, blank=True, db_index=True)
    removal_application = models.OneToOneField(
        BlacklistApplication, verbose_name=_("removal application"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="removed_entry",
    )  # fmt: skip

    class Meta:
        verbose_name = _("vendor blacklist entry")
        verbose_name_plural = _("vendor blacklist")
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"],
                condition=models.Q(removed_on=None),
                name="repairs_one_active_blacklist_entry",
            )
        ]

    def __str__(self):
        return f"{self.number} {self.vendor}"
