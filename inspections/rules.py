"""Who is who for inspections: plain role tests the querysets and refusals share."""

from django.core.exceptions import ObjectDoesNotExist

from servicedesk.choices import ApprovalBody, Role
from servicedesk.roles import user_has_role

from .choices import ApprovalStatus

READER_ROLES = (Role.ENGINEER, Role.SUPERVISOR, Role.APPROVER, Role.MANAGER, Role.ADMIN)
# Approvers and managers read what was put before them, not the engineers' drafts.
DRAFT_READER_ROLES = (Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)
AUTHOR_ROLES = (Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)
MANAGER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# The configuration manager decides discrepancies; the supervisor holds that role here.
CONFIGURATION_MANAGER_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def is_reader(user) -> bool:
    return user_has_role(user, *READER_ROLES)


def reads_drafts(user) -> bool:
    return user_has_role(user, *DRAFT_READER_ROLES)


def is_author(user) -> bool:
    return user_has_role(user, *AUTHOR_ROLES)


def is_manager(user) -> bool:
    return user_has_role(user, *MANAGER_ROLES)


def approval_body(user) -> str:
    try:
        return user.person.approval_body or ""
    except (ObjectDoesNotExist, AttributeError):
        return ""


def statuses_user_signs(user) -> list[str]:
    """The approval statuses in which `user` is the one to sign."""
    statuses = []
    if user_has_role(user, Role.SUPERVISOR):
        statuses.append(ApprovalStatus.AWAITING_SUPERVISOR)
    if user_has_role(user, Role.APPROVER):
        body = approval_body(user)
        if body == ApprovalBody.OPS_DEPARTMENT:
            statuses.append(ApprovalStatus.AWAITING_OPS)
        elif body == ApprovalBody.INFORMATION_CENTRE:
            statuses.append(ApprovalStatus.AWAITING_INFO)
    return statuses


APPROVAL_STATUSES = (
    ApprovalStatus.AWAITING_SUPERVISOR,
    ApprovalStatus.AWAITING_OPS,
    ApprovalStatus.AWAITING_INFO,
)
