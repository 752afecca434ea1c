"""Who may do what in the knowledge base; merged into the role groups by servicedesk.roles.

Writers (service desk, engineers) draft and edit records; the knowledge curator (the
service supervisor, permission `publish_knowledgerecord`) reviews, publishes, retires
and merges. `record_filter` is the one rule (KnowledgeRecord.objects.restrict); `record_refusal`
says why not, for the pages and the services alike.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role

from .choices import Audience, Status

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


def _signed_in(user) -> bool:
    return bool(user.is_authenticated)


_ALL = Q()
# What a reader outside IT staff may open: published records meant for everyone.
_PUBLISHED_PUBLIC = Q(status=Status.PUBLISHED, audience=Audience.PUBLIC)

# action → (role test, which records, refusal message)
RULES = {
    "view": (is_staff, _ALL, _("Only IT staff can open this record.")),
    "create": (can_write, _ALL, _("Only IT staff can write knowledge records.")),
    "edit": (can_write, _ALL, _("Only IT staff can edit knowledge records.")),
    "new_version": (can_write, _ALL, _("Only IT staff can write a new version.")),
    "review": (
        can_curate,
        _ALL,
        _("Only the knowledge curator (service supervisor) can review."),
    ),
    "rework": (
        can_curate,
        _ALL,
        _("Only the knowledge curator can send a record back to draft."),
    ),
    "publish": (
        can_curate,
        _ALL,
        _("Only the knowledge curator (service supervisor) can publish."),
    ),
    "retire": (
        can_curate,
        _ALL,
        _("Only the knowledge curator (service supervisor) can retire."),
    ),
    "merge": (can_curate, _ALL, _("Only the knowledge curator (service supervisor) can merge.")),
}


def record_filter(user, action: str) -> Q | None:
    """The records `user` may `action`, as a filter (None: none at all).

    The one rule behind KnowledgeRecord.objects.restrict(user, action), and so behind the
    lists, itsm.permissions.permits and record_refusal. IT staff open every record; any
    other signed-in reader only published public ones.
    """
    test, condition, _message = RULES[action]
    if test(user):
        return condition
    if action == "view" and _signed_in(user):
        return _PUBLISHED_PUBLIC
    return None


def record_refusal(user, record, action: str) -> str:
    """Why `user` may not `action` `record` ("" when they may); `record` None asks about
    creating one. Pages call it to show a button, services (workflow.require) to refuse."""
    message = str(RULES[action][2])
    if record is None or record.pk is None:
        allowed = is_system_user(user) or user.is_superuser or RULES[action][0](user)
        return "" if allowed else message
    return "" if permits(user, record, action) else message
