"""Who may do what in the knowledge base; merged into the role groups by servicedesk.roles.

Writers (service desk, engineers) draft and edit records; the knowledge curator (the
service supervisor, permission `publish_knowledgerecord`) reviews, publishes, retires
and merges. The services check these per acting user; which records a user can see is
knowledge.selectors' business.
"""

from django.utils.translation import gettext_lazy as _

from servicedesk.choices import Role
from servicedesk.roles import is_staff_role

_WRITE = [
    "knowledge.view_knowledgerecord",
    "knowledge.add_knowledgerecord",
    "knowledge.change_knowledgerecord",
    "knowledge.view_knowledgefeedback",
    "knowledge.add_knowledgefeedback",
    "servicedesk.view_category",
]

ROLE_PERMISSIONS = {
    Role.END_USER: ["knowledge.view_knowledgerecord", "knowledge.add_knowledgefeedback"],
    Role.SERVICE_DESK: [*_WRITE],
    Role.ENGINEER: [*_WRITE],
    Role.SUPERVISOR: [
        "knowledge.*_knowledgerecord",
        "knowledge.*_knowledgefeedback",
        "knowledge.*_knowledgeterm",
        "servicedesk.view_category",
    ],
    Role.APPROVER: [
        "knowledge.view_knowledgerecord",
        "knowledge.add_knowledgefeedback",
    ],
    Role.MANAGER: ["knowledge.view_*", "knowledge.add_knowledgefeedback"],
}

WRITE_PERMISSION = "knowledge.add_knowledgerecord"
CURATE_PERMISSION = "knowledge.publish_knowledgerecord"


def is_staff(user) -> bool:
    """Staff read internal records and drafts; everyone else only published public ones."""
    return bool(user.is_authenticated and is_staff_role(user))


def can_write(user) -> bool:
    return bool(user.is_authenticated and is_staff(user) and user.has_perm(WRITE_PERMISSION))


def can_curate(user) -> bool:
    return bool(user.is_authenticated and user.has_perm(CURATE_PERMISSION))


# action → (test, refusal message)
RULES = {
    "create": (can_write, _("Only IT staff can write knowledge records.")),
    "edit": (can_write, _("Only IT staff can edit knowledge records.")),
    "new_version": (can_write, _("Only IT staff can write a new version.")),
    "review": (can_curate, _("Only the knowledge curator (service supervisor) can review.")),
    "rework": (can_curate, _("Only the knowledge curator can send a record back to draft.")),
    "publish": (can_curate, _("Only the knowledge curator (service supervisor) can publish.")),
    "retire": (can_curate, _("Only the knowledge curator (service supervisor) can retire.")),
    "merge": (can_curate, _("Only the knowledge curator (service supervisor) can merge.")),
}


def allowed(user, action: str) -> bool:
    return bool(RULES[action][0](user))


def refusal(action: str) -> str:
    return str(RULES[action][1])
