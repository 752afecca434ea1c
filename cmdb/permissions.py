"""Who may see and do what in the CMDB: one source per model.

`ROLE_PERMISSIONS` (merged into the role groups by servicedesk.roles) says which Django
permissions each role holds. From them, each listed model's queryset answers
`restrict(user, action)` (lists, and `itsm.permissions.permits` for one object), and one
refusal function per model, `<thing>_refusal(user, obj, action) -> str` ("" when allowed),
is what the pages call to show or grey a button with its reason and what the services
call (through `itsm.workflow.require`) to refuse.

Rows: configuration items are seen whole by staff roles and approvers; anyone else sees
the items they are responsible for, their accessories and shared items they use. A
relationship is seen by whoever sees both of its items. Requisitions are seen by staff
(and approvers) whole, by anyone else only their own. Stock, loans, censuses and
baselines are seen by who holds the model's `view` permission.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from itsm.permissions import RestrictedQuerySet, permits
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_has_role

_READ = ["cmdb.view_*"]
_EDIT_ITEMS = [
    "cmdb.add_configurationitem",
    "cmdb.change_configurationitem",
    "cmdb.add_configurationitemuser",
    "cmdb.change_configurationitemuser",
    "cmdb.delete_configurationitemuser",
    "cmdb.add_cirelationship",
    "cmdb.change_cirelationship",
    "cmdb.delete_cirelationship",
]
# Engineers import assets, scan in a census, request and issue spare parts, lend spare
# units. Supervisors (cmdb.add_* / change_*) also run censuses, confirm their results,
# approve requisitions, restock and take baselines.
_ENGINEER_WORK = [
    "cmdb.add_importbatch",
    "cmdb.change_importbatch",
    "cmdb.add_censusitem",
    "cmdb.change_censusitem",
    "cmdb.add_requisition",
    "cmdb.change_requisition",
    "cmdb.add_spareunitloan",
    "cmdb.change_spareunitloan",
    "cmdb.add_softwareinstallation",
    "cmdb.change_softwareinstallation",
    "cmdb.delete_softwareinstallation",
    "cmdb.add_softwareproduct",
    "cmdb.add_warrantyextension",
    "cmdb.add_replacementproposal",
    "cmdb.delete_replacementproposal",
    "cmdb.add_sitetool",
    "cmdb.change_sitetool",
]

ROLE_PERMISSIONS = {
    Role.END_USER: ["cmdb.view_configurationitem"],
    Role.SERVICE_DESK: [*_READ, "cmdb.change_configurationitem", "cmdb.add_requisition"],
    Role.ENGINEER: [
        *_READ,
        *_EDIT_ITEMS,
        *_ENGINEER_WORK,
        "cmdb.add_supplier",
        "cmdb.change_supplier",
    ],
    Role.SUPERVISOR: [
        *_READ,
        *_EDIT_ITEMS,
        *_ENGINEER_WORK,
        "cmdb.add_*",
        "cmdb.change_*",
        "cmdb.approve_requisition",
    ],
    Role.APPROVER: [*_READ],
    Role.MANAGER: [*_READ],
}


def sees_all_items(user) -> bool:
    """Staff roles and approvers see every item (and may read impact analyses)."""
    if is_system_user(user) or getattr(user, "is_superuser", False):
        return True
    return is_staff_role(user) or user_has_role(user, Role.APPROVER)


def _has(user, perm: str | None) -> bool:
    if user is None:
        raise TypeError("CMDB writes need the acting user; system jobs pass system_user()")
    if perm is None:
        return False
    return is_system_user(user) or bool(user.is_authenticated and user.has_perm(perm))


class _ByPermission(RestrictedQuerySet):
    """Rows anyone holding the action's Django permission may act on, all or nothing."""

    # action → permission codename; an action not listed is allowed to nobody.
    PERMS: dict[str, str] = {}

    def _restrict(self, user, action):
        return self if _has(user, self.PERMS.get(action)) else self.none()


# --- Configuration items and relationships -----------------------------------------------


class ConfigurationItemQuerySet(RestrictedQuerySet):
    PERMS = {
        "view": "cmdb.view_configurationitem",
        "change": "cmdb.change_configurationitem",
        "delete": "cmdb.delete_configurationitem",
    }

    def _restrict(self, user, action):
        if not _has(user, self.PERMS.get(action)):
            return self.none()
        if action != "view" or sees_all_items(user):
            return self
        from .models import ConfigurationItemUser

        used = ConfigurationItemUser.objects.filter(user=user).values("item_id")
        return self.filter(Q(responsible=user) | Q(parent__responsible=user) | Q(pk__in=used))


class CIRelationshipQuerySet(RestrictedQuerySet):
    PERMS = {
        "view": "cmdb.view_cirelationship",
        "change": "cmdb.change_cirelationship",
        "delete": "cmdb.delete_cirelationship",
    }

    def _restrict(self, user, action):
        if not _has(user, self.PERMS.get(action)):
            return self.none()
        if sees_all_items(user):
            return self
        from .models import ConfigurationItem

        visible = ConfigurationItem.objects.restrict(user, "view").values("pk")
        return self.filter(source__in=visible, target__in=visible)


_ITEM_REFUSALS = {
    "create": ("cmdb.add_configurationitem", _("You may not add configuration items.")),
    "change": ("cmdb.change_configurationitem", _("You may not edit configuration items.")),
    "delete": ("cmdb.delete_configurationitem", _("You may not delete configuration items.")),
    "import": ("cmdb.add_configurationitem", _("You may not import assets.")),
}


def ci_refusal(user, ci, action: str) -> str:
    """Why `user` may not `action` ("create", "change", "delete", "import") `ci`; "" if allowed."""
    perm, message = _ITEM_REFUSALS[action]
    if not _has(user, perm):
        return str(message)
    if action == "import" and not _has(user, "cmdb.change_configurationitem"):
        return str(message)
    if ci is not None and ci.pk is not None and not permits(user, ci, action):
        return str(message)
    return ""


_RELATIONSHIP_REFUSALS = {
    "create": ("cmdb.add_cirelationship", _("You may not link configuration items.")),
    "change": ("cmdb.change_cirelationship", _("You may not edit relationships.")),
    "delete": ("cmdb.delete_cirelationship", _("You may not remove relationships.")),
}


def relationship_refusal(user, relationship, action: str) -> str:
    """Why `user` may not `action` ("create", "change", "delete") `relationship`.

    Both ends must be items the user sees, for a new link as for an edited one.
    """
    perm, message = _RELATIONSHIP_REFUSALS[action]
    if not _has(user, perm):
        return str(message)
    if relationship is None:
        return ""
    if relationship.pk is not None and not permits(user, relationship, action):
        return str(message)
    from .models import ConfigurationItem

    ends = {relationship.source_id, relationship.target_id} - {None}
    visible = ConfigurationItem.objects.restrict(user, "view").filter(pk__in=ends).count()
    if visible != len(ends):
        return str(_("You may only link items you can see."))
    return ""


# --- Spare parts ----------------------------------------------------------------------------


class StockQuerySet(_ByPermission):
    PERMS = {"view": "cmdb.view_stock", "restock": "cmdb.change_stock"}


class RequisitionQuerySet(RestrictedQuerySet):
    PERMS = {
        "view": "cmdb.view_requisition",
        "approve": "cmdb.approve_requisition",
        "reject": "cmdb.approve_requisition",
        "issue": "cmdb.change_requisition",
        "return": "cmdb.change_requisition",
        "consume": "cmdb.change_requisition",
    }

    def _restrict(self, user, action):
        if not _has(user, self.PERMS.get(action)):
            return self.none()
        if action == "view" and not is_staff_role(user):
            return self.filter(requested_by=user)  # approvers: the ones they asked for
        return self


_REQUISITION_REFUSALS = {
    "create": _("You may not request spare parts."),
    "approve": _("Only a service supervisor approves spare requisitions."),
    "reject": _("Only a service supervisor rejects spare requisitions."),
    "issue": _("You may not issue spare parts."),
    "return": _("You may not return spare parts to stock."),
    "consume": _("You may not record spare parts as used."),
}


def requisition_refusal(user, requisition, action: str) -> str:
    """Why `user` may not `action` the requisition ("create" with None); "" if allowed."""
    message = str(_REQUISITION_REFUSALS[action])
    if action == "create":
        return "" if _has(user, "cmdb.add_requisition") else message
    if not _has(user, RequisitionQuerySet.PERMS[action]):
        return message
    return "" if permits(user, requisition, action) else message


class SpareUnitLoanQuerySet(_ByPermission):
    PERMS = {"view": "cmdb.view_spareunitloan", "return": "cmdb.change_spareunitloan"}


def stock_refusal(user, stock, action: str) -> str:
    """Only "restock": who may put parts into stock by hand."""
    if not _has(user, StockQuerySet.PERMS[action]):
        return str(_("You may not restock spare parts."))
    return "" if stock is None or permits(user, stock, action) else str(_("No such stock."))


def loan_refusal(user, loan, action: str) -> str:
    """ "lend" (loan None) or "return" a spare unit."""
    if action == "lend":
        return "" if _has(user, "cmdb.add_spareunitloan") else str(_("You may not lend spares."))
    refused = str(_("You may not take spare units back."))
    if not _has(user, SpareUnitLoanQuerySet.PERMS[action]):
        return refused
    return "" if loan is None or permits(user, loan, action) else refused


# --- Census and baselines ----------------------------------------------------------------


class CensusCampaignQuerySet(_ByPermission):
    PERMS = {
        "view": "cmdb.view_censuscampaign",
        "start": "cmdb.change_censuscampaign",
        "close": "cmdb.change_censuscampaign",
        "confirm": "cmdb.change_censuscampaign",
        "scan": "cmdb.change_censusitem",
    }


_CENSUS_REFUSALS = {
    "create": _("Only a service supervisor creates a census."),
    "start": _("Only a service supervisor starts a census."),
    "close": _("Only a service supervisor closes a census."),
    "confirm": _("Only a service supervisor confirms census results."),
    "scan": _("You may not scan in a census."),
}


def census_refusal(user, campaign, action: str) -> str:
    """Why `user` may not `action` ("create", "start", "close", "confirm", "scan") the census."""
    message = str(_CENSUS_REFUSALS[action])
    if action == "create":
        return "" if _has(user, "cmdb.add_censuscampaign") else message
    if not _has(user, CensusCampaignQuerySet.PERMS[action]):
        return message
    return "" if permits(user, campaign, action) else message


class BaselineQuerySet(_ByPermission):
    PERMS = {"view": "cmdb.view_baseline"}


def baseline_refusal(user, baseline, action: str) -> str:
    """Only "take" (baseline None): who may snapshot a scope."""
    if not _has(user, "cmdb.add_baseline"):
        return str(_("Only a service supervisor takes baselines."))
    return ""


def scan_refusal(user, obj, action: str) -> str:
    """ "run" the CMDB's scheduled scans (reminders, warranty alerts, import expiry):
    the system actor and admins only."""
    if is_system_user(user) or getattr(user, "is_superuser", False):
        return ""
    return str(_("Only the scheduler runs the CMDB's scans."))


# --- Service outages ----------------------------------------------------------------------


class ServiceOutageQuerySet(_ByPermission):
    """Staff, approvers and managers read outages (availability is theirs to check); the
    supervisor (cmdb.change_serviceoutage) records and corrects them."""

    PERMS = {
        "view": "cmdb.view_serviceoutage",
        "change": "cmdb.change_serviceoutage",
    }


def outage_refusal(user, outage, action: str) -> str:
    """ "create" (outage None) or "change" (edit, close) an outage; "" if allowed."""
    if action == "create":
        allowed = _has(user, "cmdb.add_serviceoutage")
        return "" if allowed else str(_("Only a service supervisor records outages."))
    refused = str(_("Only a service supervisor corrects outages."))
    if not _has(user, ServiceOutageQuerySet.PERMS[action]):
        return refused
    return "" if outage is None or permits(user, outage, action) else refused


# --- Software, licences and the responsible-person rule -----------------------------------


class SoftwareProductQuerySet(_ByPermission):
    PERMS = {"view": "cmdb.view_softwareproduct", "change": "cmdb.change_softwareproduct"}


class SoftwareLicenceQuerySet(_ByPermission):
    PERMS = {"view": "cmdb.view_softwarelicence", "change": "cmdb.change_softwarelicence"}


class SoftwareInstallationQuerySet(_ByPermission):
    PERMS = {
        "view": "cmdb.view_softwareinstallation",
        "change": "cmdb.change_softwareinstallation",
        "delete": "cmdb.delete_softwareinstallation",
    }


_SOFTWARE_REFUSALS = {
    "record": ("cmdb.add_softwareinstallation", _("You may not record installed software.")),
    "remove": ("cmdb.delete_softwareinstallation", _("You may not remove installed software.")),
    "licence": ("cmdb.change_softwareinstallation", _("You may not assign licences.")),
}


def software_refusal(user, installation, action: str) -> str:
    """Why `user` may not `action` ("record" with None, "remove", "licence") an
    installation; "" if allowed."""
    perm, message = _SOFTWARE_REFUSALS[action]
    if not _has(user, perm):
        return str(message)
    if installation is None or installation.pk is None:
        return ""
    allowed = permits(user, installation, "delete" if action == "remove" else "change")
    return "" if allowed else str(message)


def sees_licence_keys(user) -> bool:
    """Licence keys are shown to who may edit licences, no one else."""
    return _has(user, "cmdb.change_softwarelicence")


def responsible_refusal(user, ci, action: str) -> str:
    """ "assign" a responsible person to `ci`, or "apply" the code-order rule to every
    shared device (ci None): CMDB admins (engineers and supervisors) only."""
    message = str(_("Only CMDB administrators assign responsible persons."))
    if not (
        _has(user, "cmdb.add_configurationitem") and _has(user, "cmdb.change_configurationitem")
    ):
        return message
    if ci is not None and ci.pk is not None and not permits(user, ci, "change"):
        return message
    return ""


# --- Lifecycle: warranty extensions, ageing devices, tools on site --------------------------


def warranty_extension_refusal(user, ci, action: str = "create") -> str:
    """ "create": who may record a warranty extended by a repair on `ci` (engineers and
    supervisors, on an item they see)."""
    refused = str(_("You may not record warranty extensions."))
    if not _has(user, "cmdb.add_warrantyextension"):
        return refused
    return "" if ci is None or permits(user, ci, "view") else refused


class AgeingRuleQuerySet(_ByPermission):
    """Replacement rules are data an admin edits; staff and readers of reports see them."""

    PERMS = {"view": "cmdb.view_ageingrule"}


class ReplacementProposalQuerySet(_ByPermission):
    PERMS = {
        "view": "cmdb.view_replacementproposal",
        "withdraw": "cmdb.delete_replacementproposal",
    }


def replacement_refusal(user, ci, action: str) -> str:
    """ "view" the replacement candidates, "propose" a device for replacement or
    "withdraw" the proposal; "" if allowed. Only roles that see every item."""
    perm = {
        "view": "cmdb.view_replacementproposal",
        "propose": "cmdb.add_replacementproposal",
        "withdraw": "cmdb.delete_replacementproposal",
    }[action]
    if not _has(user, perm) or not sees_all_items(user):
        if action == "view":
            return str(_("You may not see the replacement candidates."))
        return str(_("Only an engineer or a supervisor proposes replacements."))
    return ""


class SiteToolQuerySet(_ByPermission):
    PERMS = {"view": "cmdb.view_sitetool", "change": "cmdb.change_sitetool"}


def tool_refusal(user, tool, action: str) -> str:
    """ "register" (tool None) a tool brought on site, or "take_out" one; "" if allowed."""
    if action == "register":
        return "" if _has(user, "cmdb.add_sitetool") else str(_("You may not register tools."))
    refused = str(_("You may not record tools leaving the site."))
    if not _has(user, SiteToolQuerySet.PERMS["change"]):
        return refused
    return "" if tool is None or permits(user, tool, "change") else refused
