"""Who may see and do what in vendor repairs: one scope per model, one refusal per action.

The scopes (`*_scope`) back each model's `restrict(user, action)`, so lists and single
objects agree. The refusal functions (`*_refusal(user, obj, action) -> str`, "" allowed)
are what pages call to show a button or say why not, and what the services call through
`itsm.workflow.require`.

Roles: the desk, engineers and supervisors work repairs; managers read everything;
approvers (运维部 / 信息中心) read vendors, nonconformances and the blacklist, and decide
applications for their body; an end user sees the repairs and vendor orders of their own
work orders (and confirms the vendor's result); a vendor login sees only its vendor's
orders and records signing and results on them.
"""

from django.utils.translation import gettext as _

from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import ApplicationStatus, RepairStatus, VendorOrderStatus

WORKERS = (Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)
READERS = (*WORKERS, Role.MANAGER)

ROLE_PERMISSIONS = {
    Role.END_USER: ["repairs.view_repairorder", "repairs.view_vendororder"],
    Role.SERVICE_DESK: ["repairs.view_*", "repairs.add_*", "repairs.change_*"],
    Role.ENGINEER: ["repairs.view_*", "repairs.add_*", "repairs.change_*"],
    Role.SUPERVISOR: ["repairs.*"],
    Role.MANAGER: ["repairs.view_*"],
    Role.APPROVER: [
        "repairs.view_vendor",
        "repairs.view_nonconformance",
        "repairs.view_blacklistapplication",
        "repairs.view_blacklistentry",
        "repairs.view_blacklistdecision",
    ],
}


def _body(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "approval_body", "") or ""


def _vendor_ids(user) -> list[int]:
    cached = getattr(user, "_repairs_vendor_ids", None)
    if cached is None:
        cached = list(user.vendors.values_list("pk", flat=True))
        user._repairs_vendor_ids = cached
    return cached


# --- scopes (restrict) -------------------------------------------------------------------


def vendor_scope(qs, user, action):
    if user_has_role(user, *READERS):
        return qs if action == "view" or user_has_role(user, *WORKERS) else qs.none()
    if user_has_role(user, Role.APPROVER) and action == "view":
        return qs
    if action == "view" and _vendor_ids(user):
        return qs.filter(pk__in=_vendor_ids(user))
    return qs.none()


def repair_scope(qs, user, action):
    if user_has_role(user, *WORKERS):
        return qs
    if action == "view":
        if user_has_role(user, Role.MANAGER):
            return qs
        return qs.filter(work_order__requester=user)
    return qs.none()


def vendor_order_scope(qs, user, action):
    if user_has_role(user, *WORKERS):
        return qs
    if action != "view":
        return qs.none()
    if user_has_role(user, Role.MANAGER):
        return qs
    vendors = _vendor_ids(user)
    if vendors:
        return qs.filter(vendor__in=vendors).exclude(
            status__in=[
                VendorOrderStatus.DRAFT,
                VendorOrderStatus.SUBMITTED,
                VendorOrderStatus.REJECTED,
                VendorOrderStatus.DECLINED,
                VendorOrderStatus.APPROVED,
            ]
        )
    return qs.filter(work_order__requester=user)


def nonconformance_scope(qs, user, action):
    if user_has_role(user, *WORKERS):
        return qs
    if action == "view" and user_has_role(user, Role.MANAGER, Role.APPROVER):
        return qs
    return qs.none()


def application_scope(qs, user, action):
    if user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
        return qs
    if action == "view" and user_has_role(user, *READERS, Role.APPROVER):
        return qs
    return qs.none()


def part_scope(qs, user, action):
    if user_has_role(user, *WORKERS):
        return qs
    if action == "view":
        if user_has_role(user, Role.MANAGER):
            return qs
        return qs.filter(repair__work_order__requester=user)
    return qs.none()


# --- refusals ------------------------------------------------------------------------------


def vendor_refusal(user, vendor, action: str = "order") -> str:
    """May a new order or send-out go to `vendor`? Names the blacklist entry when not."""
    if vendor is None:
        return _("Choose a vendor.")
    entry = vendor.active_blacklist_entry()
    if entry is not None:
        return _(
            "%(vendor)s is on the vendor blacklist (%(number)s, since %(date)s): "
            "it gets no new orders."
        ) % {"vendor": vendor.name, "number": entry.number, "date": entry.listed_on.isoformat()}
    if not vendor.is_active:
        return _("%(vendor)s is no longer an active vendor.") % {"vendor": vendor.name}
    return ""


def repair_refusal(user, repair, action: str) -> str:
    """Actions: create, send, return, report, cancel, quote, warranty (extended by the repair)."""
    if not user_has_role(user, *WORKERS):
        return _("Only the desk, engineers and supervisors handle repair send-outs.")
    if repair is None:
        return ""
    if action == "send" and repair.status != RepairStatus.PREPARED:
        return _("This device has left already.")
    if action == "return" and repair.status == RepairStatus.PREPARED:
        return _("This device was never sent: it cannot come back.")
    if action == "return" and repair.status != RepairStatus.SENT:
        return _("This device is not out for repair.")
    if action == "report" and (repair.status != RepairStatus.SENT or repair.kind != "in_warranty"):
        return _("Progress reports are for in-warranty repairs that are out.")
    if action == "warranty" and repair.status != RepairStatus.RETURNED:
        return _("A warranty extension is recorded when the device is back from repair.")
    return ""


def vendor_order_refusal(user, order, action: str) -> str:
    """Actions: create, edit, submit, review, send, sign, result, confirm, verify."""
    is_worker = user_has_role(user, *WORKERS)
    if action == "create":
        return (
            "" if is_worker else _("Only engineers, the desk and supervisors write vendor orders.")
        )
    if order is None or not permits(user, order, "view"):
        return _("You cannot see this vendor work order.")
    own_vendor = order.vendor_id in _vendor_ids(user)
    if action in ("edit", "submit"):
        if order.engineer_id == user.pk or user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
            return ""
        return _("Only the engineer who wrote the order or a supervisor can change it.")
    if action == "review":
        if user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
            return ""
        return _("Only a service supervisor approves vendor work orders.")
    if action == "send":
        return "" if is_worker else _("Only staff send orders to the vendor.")
    if action in ("sign", "result"):
        if own_vendor or user_has_role(user, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN):
            return ""
        return _("Only the vendor or the service desk records this.")
    if action == "confirm":
        if order.work_order.requester_id == user.pk or user_has_role(
            user, Role.SERVICE_DESK, Role.SUPERVISOR, Role.ADMIN
        ):
            return ""
        return _("Only the user of the work order or the desk confirms the vendor's result.")
    if action == "verify":
        if order.engineer_id == user.pk:
            return ""
        return _("Only the engineer of this order (%(name)s) verifies the vendor's work.") % {
            "name": _person_name(order.engineer)
        }
    return _("Unknown action.")


def application_refusal(user, application, action: str) -> str:
    """Actions: create, edit, submit, decide."""
    if action in ("create", "edit", "submit"):
        if not user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
            return _("Only a service supervisor prepares blacklist applications.")
        if action != "create" and application.status != ApplicationStatus.DRAFT:
            return _("Only a draft application can be changed or submitted.")
        return ""
    if action == "decide":
        body = _body(user)
        if not (user_has_role(user, Role.APPROVER) and body):
            return _(
                "Only approvers of the operations department or the information centre decide."
            )
        if application.status != ApplicationStatus.SUBMITTED:
            return _("This application is not waiting for approval.")
        decided = getattr(application, "_decided_bodies", None)
        if decided is None:
            decided = set(application.decisions.values_list("approval_body", flat=True))
        if body in decided:
            return _("Your body has decided on this application already.")
        return ""
    return _("Unknown action.")


def part_refusal(user, purchase, action: str) -> str:
    """Actions: quote, choose, approve, replace."""
    if action == "approve":
        if user_has_role(user, Role.SUPERVISOR, Role.ADMIN):
            return ""
        return _("Only a service supervisor approves a part purchase.")
    if (
        action == "choose"
        and purchase is not None
        and purchase.repair.work_order.requester_id == user.pk
    ):
        return ""
    if user_has_role(user, *WORKERS):
        return ""
    return _("Only the desk, engineers and supervisors handle parts.")


def _person_name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()
