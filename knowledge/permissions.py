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
from servicedesk.roles import is_staff_role, user_has_role

from .choices import Audience, Status

_WRITE = [
    "knowledge.view_knowledgerecord",
    "knowledge.add_knowledgerecord",
    "knowledge.change_knowledgerecord",
    "knowledge.view_knowledgefeedback",
    "knowledge.add_knowledgefeedback",
    "servicedesk.view_category",
]

# Controlled documents (文档管理, §3.2): the provider's staff keep the catalogue, lend
# and take back, back up and check validity (the desk does "运维项目文档管理"); anyone
# of them may apply for a change, a scrapping or a loan; the client's ops department
# and information centre (the approver role) release documents and decide applications,
# each approver for the body on their profile and only where the plan asks that body
# (knowledge.documents.bodies), and may apply too (they organise the writing). End
# users see no documents.
_DOC_MODELS = [
    "controlleddocument",
    "documentversion",
    "documentchangeapplication",
    "documentscrapapplication",
    "documentborrowapplication",
    "documentbackup",
    "documentvaliditycheck",
    "documentdecision",
]
_DOC_READ = [f"knowledge.view_{model}" for model in _DOC_MODELS]
_DOC_APPLY = [
    "knowledge.add_documentchangeapplication",
    "knowledge.add_documentscrapapplication",
    "knowledge.add_documentborrowapplication",
]
_DOC_KEEP = [
    *_DOC_READ,
    *_DOC_APPLY,
    "knowledge.add_controlleddocument",
    "knowledge.change_controlleddocument",
    "knowledge.change_documentborrowapplication",
    "knowledge.add_documentbackup",
    "knowledge.change_documentbackup",
    "knowledge.add_documentvaliditycheck",
]

ROLE_PERMISSIONS = {
    Role.END_USER: ["knowledge.view_knowledgerecord", "knowledge.add_knowledgefeedback"],
    Role.SERVICE_DESK: [*_WRITE, *_DOC_KEEP],
    Role.ENGINEER: [*_WRITE, *_DOC_KEEP],
    # Not "knowledge.*": approving documents is the client's (approver role), not the provider's.
    Role.SUPERVISOR: [
        "knowledge.*_knowledgerecord",
        "knowledge.*_knowledgefeedback",
        "knowledge.*_knowledgeterm",
        "servicedesk.view_category",
        *_DOC_KEEP,
    ],
    Role.APPROVER: [
        "knowledge.view_knowledgerecord",
        "knowledge.add_knowledgefeedback",
        *_DOC_READ,
        *_DOC_APPLY,
        "knowledge.approve_controlleddocument",
    ],
    Role.MANAGER: [
        "knowledge.view_*",
        "knowledge.add_knowledgefeedback",
        "knowledge.add_documentborrowapplication",
    ],
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


# --- controlled documents --------------------------------------------------------------

DOCUMENT_READ_PERMISSION = "knowledge.view_controlleddocument"
DOCUMENT_APPROVE_PERMISSION = "knowledge.approve_controlleddocument"


def can_read_documents(user) -> bool:
    """IT staff and the approvers; end users have no access to the document catalogue."""
    return bool(
        user.is_authenticated
        and (is_staff_role(user) or user_has_role(user, Role.APPROVER))
        and user.has_perm(DOCUMENT_READ_PERMISSION)
    )


def _doc_perm(codename):
    def test(user) -> bool:
        return can_read_documents(user) and user.has_perm(f"knowledge.{codename}")

    return test


# action → (test, refusal message)
DOCUMENT_RULES = {
    "read": (
        can_read_documents,
        _("Only IT staff and the approvers can see controlled documents."),
    ),
    "register": (
        _doc_perm("add_controlleddocument"),
        _("Only the document keepers (IT staff) can register documents."),
    ),
    "edit": (
        _doc_perm("change_controlleddocument"),
        _("Only the document keepers (IT staff) can edit the catalogue."),
    ),
    "release": (
        _doc_perm("approve_controlleddocument"),
        _("Only the ops department / information centre (approvers) can release a document."),
    ),
    "apply_change": (
        _doc_perm("add_documentchangeapplication"),
        _("Your role cannot apply for a document change."),
    ),
    "apply_scrap": (
        _doc_perm("add_documentscrapapplication"),
        _("Your role cannot apply for scrapping a document."),
    ),
    "borrow": (
        _doc_perm("add_documentborrowapplication"),
        _("Your role cannot apply to borrow a document."),
    ),
    "decide": (
        _doc_perm("approve_controlleddocument"),
        _("Only the ops department / information centre (approvers) can decide applications."),
    ),
    "lend": (
        _doc_perm("change_documentborrowapplication"),
        _("Only the document keepers (IT staff) hand documents over and take them back."),
    ),
    "backup": (
        _doc_perm("add_documentbackup"),
        _("Only the document keepers (IT staff) record backups."),
    ),
    "verify_backup": (
        _doc_perm("change_documentbackup"),
        _("Only the document keepers (IT staff) verify backups."),
    ),
    "check": (
        _doc_perm("add_documentvaliditycheck"),
        _("Only the document keepers (IT staff) record validity checks."),
    ),
}


def document_allowed(user, action: str) -> bool:
    return bool(DOCUMENT_RULES[action][0](user))


def document_refusal(action: str) -> str:
    return str(DOCUMENT_RULES[action][1])
