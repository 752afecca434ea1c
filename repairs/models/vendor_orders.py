"""The vendor work order (维修商服务工作单) and the nonconformance record (维修商不合格情况记录)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from incidents.choices import Priority
from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import ProblemType
from ..choices import VendorOrderStatus as S

PRIORITIES = Priority.choices  # the work orders' priorities


class VendorOrderQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        from ..permissions import vendor_order_scope

        return vendor_order_scope(self, user, action)


class VendorOrder(LockVersioned, NumberedModel, TimeStampedModel):
    FORM_KEY = "vendor_order"
    FORM_CODE_DEFAULT = "D0702"

    work_order = models.ForeignKey(
        "incidents.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT,
        related_name="vendor_orders",
    )  # fmt: skip
    repair = models.ForeignKey(
        "repairs.RepairOrder", verbose_name=_("repair send-out"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="vendor_orders",
    )  # fmt: skip
    vendor = models.ForeignKey(
        "repairs.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT,
        related_name="orders",
    )  # fmt: skip
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    product = models.CharField(_("product"), max_length=200)
    problem_description = models.TextField(_("problem description"))
    problem_type = models.CharField(_("problem type"), max_length=20, choices=ProblemType.choices)
    priority = models.CharField(_("priority"), max_length=2, choices=PRIORITIES, default="P3")
    service_level = models.ForeignKey(
        "servicedesk.ServiceLevel", verbose_name=_("service level"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    requirements = models.TextField(_("service requirements"), blank=True)
    required_by = models.DateField(_("required by"), null=True, blank=True)
    status = FSMField(_("status"), max_length=12, choices=S.choices, default=S.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("supervisor's note"), blank=True)
    problem_id = models.PositiveBigIntegerField(_("problem"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    signed_by_name = models.CharField(_("signed for by"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    handling = models.TextField(_("handling"), blank=True)
    advice = models.TextField(_("advice"), blank=True)
    result = models.TextField(_("result"), blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    confirmed_by_name = models.CharField(_("confirmed by (client)"), max_length=50, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    objects = VendorOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor work order")
        verbose_name_plural = _("vendor work orders")
        ordering = ["-created_at"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("repairs:vendor_order_detail", args=[self.pk])

    @property
    def status_colour(self):
        return S(self.status).colour

    @transition(field=status, source=[S.DRAFT, S.REJECTED], target=S.SUBMITTED)
    def submit(self, *, at):
        self.submitted_at = at

    @transition(field=status, source=S.SUBMITTED, target=S.APPROVED)
    def approve(self, *, by, at, remark):
        self.reviewed_by, self.reviewed_at, self.review_note = by, at, remark

    @transition(field=status, source=S.SUBMITTED, target=S.REJECTED)
    def reject(self, *, by, at, remark):
        self.reviewed_by, self.reviewed_at, self.review_note = by, at, remark

    @transition(field=status, source=S.SUBMITTED, target=S.DECLINED)
    def decline(self, *, by, at, remark, problem_id):
        self.reviewed_by, self.reviewed_at, self.review_note = by, at, remark
        self.problem_id = problem_id

    @transition(field=status, source=S.APPROVED, target=S.SENT)
    def send(self, *, at):
        self.sent_at = at
        self.send_count += 1

    @transition(field=status, source=S.SENT, target=S.SIGNED)
    def sign(self, *, signer, at):
        self.signed_by_name, self.signed_at = signer, at

    @transition(field=status, source=S.SIGNED, target=S.RESULT)
    def record_result(self, *, handling, advice, result, at):
        self.handling, self.advice, self.result, self.result_at = handling, advice, result, at

    @transition(field=status, source=S.RESULT, target=S.CONFIRMED)
    def confirm(self, *, confirmer, at):
        self.confirmed_by_name, self.confirmed_at = confirmer, at

    @transition(field=status, source=S.CONFIRMED, target=S.VERIFIED)
    def verify_pass(self, *, at):
        self.verified_at = at

    @transition(field=status, source=S.CONFIRMED, target=S.SENT)
    def verify_fail(self, *, at):
        # Back to the vendor: a new round of signing, result and confirmation.
        self.sent_at = at
        self.send_count += 1
        self.signed_by_name, self.signed_at = "", None
        self.result_at = self.confirmed_at = None
        self.confirmed_by_name = ""


class NonconformanceQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        from ..permissions import nonconformance_scope

        return nonconformance_scope(self, user, action)


class Nonconformance(NumberedModel, TimeStampedModel):
    """维修商不合格情况记录: the time, the reason and the work order number of a failed service."""

    FORM_KEY = "vendor_nonconformance"
    FORM_CODE_DEFAULT = "D0703"

    vendor = models.ForeignKey(
        "repairs.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT,
        related_name="nonconformances",
    )  # fmt: skip
    vendor_order = models.ForeignKey(
        VendorOrder, verbose_name=_("vendor work order"), on_delete=models.PROTECT,
        related_name="nonconformances",
    )  # fmt: skip
    work_order_number = models.CharField(_("work order number"), max_length=64)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = NonconformanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor nonconformance")
        verbose_name_plural = _("vendor nonconformances")
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["vendor", "occurred_at"])]

    def __str__(self):
        return self.number
