"""Reads of the vendor-repair process that depend on who asks, the approvals inbox
provider, and the figures of the monthly repair summary (for the reports app)."""

from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import ApplicationStatus, RepairStatus, VendorOrderStatus
from .figures import RepairFigures, repair_figures
from .models import (
    BlacklistApplication,
    BlacklistDecision,
    BlacklistEntry,
    Nonconformance,
    PartPurchase,
    RepairOrder,
    Vendor,
    VendorOrder,
)
from .permissions import application_refusal


def vendor_list(*, user):
    return (
        Vendor.objects.restrict(user, "view")
        .select_related("supplier")
        .prefetch_related(
            Prefetch(
                "blacklist_entries",
                BlacklistEntry.objects.filter(removed_on=None),
                to_attr="active_entries",
            )
        )
        .annotate(nonconformance_count=Count("nonconformances", distinct=True))
    )


def vendor_choices(*, user):
    """Vendors that may receive new orders: the blacklisted are not offered."""
    return Vendor.objects.restrict(user, "view").eligible().select_related("supplier")


def repair_list(*, user, status: str = "", overdue: bool = False, today: date | None = None):
    """Repairs the user may see, overdue first, then the soonest due."""
    today = today or timezone.localdate()
    qs = (
        RepairOrder.objects.restrict(user, "view")
        .select_related("work_order", "device", "vendor__supplier", "carrier__person")
        .annotate(
            overdue_rank=Case(
                When(
                    Q(status=RepairStatus.SENT)
                    & (Q(desk_due_on__lt=today) | Q(due_back_on__lt=today)),
                    then=Value(0),
                ),
                When(status=RepairStatus.SENT, then=Value(1)),
                When(status=RepairStatus.PREPARED, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("overdue_rank", "desk_due_on", "-created_at")
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(overdue_rank=0)
    return qs


def repair_detail(*, user, pk):
    return (
        RepairOrder.objects.restrict(user, "view")
        .select_related("work_order__requester__person", "device", "vendor__supplier", "carrier__person",
                        "spare_loan__spare", "created_by__person", "returned_by__person")
        .prefetch_related("reports__reported_by__person", "vendor_orders",
                          Prefetch("parts", PartPurchase.objects.prefetch_related("quotes__supplier")))
        .get(pk=pk)
    )  # fmt: skip


def vendor_order_list(*, user, status: str = ""):
    qs = VendorOrder.objects.restrict(user, "view").select_related(
        "work_order", "vendor__supplier", "engineer__person"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def vendor_order_detail(*, user, pk):
    return (
        VendorOrder.objects.restrict(user, "view")
        .select_related("work_order__requester", "vendor__supplier", "engineer__person",
                        "reviewed_by__person", "service_level", "repair")
        .prefetch_related("nonconformances")
        .get(pk=pk)
    )  # fmt: skip


def nonconformance_list(*, user, vendor=None):
    qs = Nonconformance.objects.restrict(user, "view").select_related(
        "vendor__supplier", "vendor_order", "recorded_by__person"
    )
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    return qs


def application_list(*, user):
    return (
        BlacklistApplication.objects.restrict(user, "view")
        .select_related("vendor__supplier", "prepared_by__person")
        .prefetch_related("decisions__decided_by__person")
    )


def blacklist(*, user, current_only: bool = False):  # noqa: ARG001 - one signature for readers
    """The 维修商黑名单 with its history (removed lines stay, with their removal date)."""
    if not Vendor.objects.restrict(user, "view").exists() and not user_has_role(
        user, Role.APPROVER
    ):
        return BlacklistEntry.objects.none()
    qs = BlacklistEntry.objects.select_related(
        "vendor__supplier", "application", "removal_application"
    )
    return qs.filter(removed_on=None) if current_only else qs


# --- approvals inbox ---------------------------------------------------------------------


def pending_decisions(user):
    """Vendor orders waiting for this supervisor, blacklist applications waiting for this
    approver's body: two queries, the same refusal rules as the decision pages."""
    found = []
    if user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
        for order in VendorOrder.objects.filter(status=VendorOrderStatus.SUBMITTED).select_related(
            "engineer__person", "vendor__supplier"
        ):
            found.append(
                PendingDecision(
                    process="repairs",
                    kind=_("Vendor work order"),
                    number=order.number,
                    title=f"{order.vendor.name}: {order.product}",
                    requested_by=_name(order.engineer),
                    since=order.submitted_at or order.created_at,
                    url=order.get_absolute_url(),
                )
            )
    body = getattr(getattr(user, "person", None), "approval_body", "")
    if user_has_role(user, Role.APPROVER) and body:
        applications = (
            BlacklistApplication.objects.filter(status=ApplicationStatus.SUBMITTED)
            .exclude(decisions__approval_body=body)
            .select_related("vendor__supplier", "prepared_by__person")
        )
        for application in applications:
            application._decided_bodies = set()  # excluded above: this body has not decided
            if application_refusal(user, application, "decide"):
                continue
            found.append(
                PendingDecision(
                    process="repairs",
                    kind=application.get_kind_display(),
                    number=application.number,
                    title=application.vendor.name,
                    requested_by=_name(application.prepared_by) if application.prepared_by else "",
                    since=application.submitted_at or application.created_at,
                    url=application.get_absolute_url(),
                )
            )
    return found


def _name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


# --- monthly repair summary (月度维修总结, by the 10th) ----------------------------------------


# The summary's figures live in repairs/figures.py (any span of days, with the records
# behind each count); the month is the customer's usual span.
MonthlyRepairFigures = RepairFigures


def monthly_repair_figures(*, month: date) -> RepairFigures:
    """The figures of the monthly repair summary for the month starting at `month` (for the
    reports app; reads everything, the caller decides who may see the report)."""
    start = month.replace(day=1)
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return repair_figures(starts_on=start, ends_on=following - timedelta(days=1))


__all__ = [
    "BlacklistDecision",
    "MonthlyRepairFigures",
    "monthly_repair_figures",
    "pending_decisions",
    "repair_figures",
]
