"""Telling the next signer (after commit, never failing the write)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from servicedesk.choices import ApprovalBody, Role
from servicedesk.notifications import notify

from ..choices import ApprovalStatus


def signers_for(status: str):
    User = get_user_model()  # noqa: N806
    users = User.objects.filter(is_active=True)
    if status == ApprovalStatus.AWAITING_SUPERVISOR:
        return users.filter(groups__name=Role.SUPERVISOR)
    if status == ApprovalStatus.AWAITING_OPS:
        return users.filter(
            groups__name=Role.APPROVER, person__approval_body=ApprovalBody.OPS_DEPARTMENT
        )
    if status == ApprovalStatus.AWAITING_INFO:
        return users.filter(
            groups__name=Role.APPROVER, person__approval_body=ApprovalBody.INFORMATION_CENTRE
        )
    return users.none()


def tell_signers(pk: int, kind: str) -> None:
    from ..models import InspectionPlan, InspectionReport

    model = InspectionPlan if kind == "plan" else InspectionReport
    subject = model.objects.filter(pk=pk).first()
    if subject is None:
        return
    if subject.status == ApprovalStatus.DRAFT:
        author = subject.drafted_by if kind == "plan" else subject.written_by
        notify(
            recipients=[author],
            subject=_("%(number)s was returned: %(reason)s")
            % {"number": subject.number, "reason": subject.rejection_reason[:100]},
            url=subject.get_absolute_url(),
        )
        return
    notify(
        recipients=list(signers_for(subject.status).distinct()),
        subject=_("%(number)s waits for your approval") % {"number": subject.number},
        url=subject.get_absolute_url(),
    )
