"""What waits for a person in changes and releases, for the approvals inbox (itsm.approvals).

Registered in ChangesConfig.ready(). Each provider finds the subjects with an open slot of
the current round that the user could sign (one query, plus one for those subjects' slots),
then asks the very functions the change and release pages ask (`approval_slot_for`,
`approval_refusal`): the inbox lists exactly what the user can decide on clicking through,
never their own change, a slot already signed, or a body they do not sign for.
"""

from django.db.models import CharField, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision
from itsm.models import TransitionLog
from servicedesk.choices import Role
from servicedesk.roles import user_has_role, user_roles

from .choices import ChangeStatus, Decision, ReleaseStatus
from .models import Approval, ChangeRequest, Release, ReleaseApproval


def _signable(user) -> Q | None:
    """The slots `user` could sign (signoff.signs_for as a filter), or None: none at all.

    Answered from the user's roles and profile, which the request has already read, so a
    user who signs for nothing costs no query.
    """
    clauses = Q()
    roles = user_roles(user) - {Role.END_USER.value}
    if roles:
        clauses |= Q(role__in=roles)
    person = getattr(user, "person", None)
    if person is not None and person.approval_body and user_has_role(user, Role.APPROVER):
        clauses |= Q(role="", approval_body=person.approval_body)
    return clauses or None


def _name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return (person.name if person is not None else "") or user.get_username()


def change_decisions_pending(user):
    """CAB slots of changes awaiting approval that `user` may sign now."""
    from .services import approval_slot_for

    signable = _signable(user)
    if signable is None:
        return []
    open_slots = Approval.objects.filter(
        signable,
        decision=Decision.PENDING,
        change__status=ChangeStatus.AWAITING_APPROVAL,
        round=F("change__approval_round"),
    )
    # Waiting since the round was opened: its "request_approval" step on the timeline.
    opened = (
        TransitionLog.objects.filter(
            content_type__app_label="changes",
            content_type__model="changerequest",
            object_id=Cast(OuterRef("pk"), CharField()),
            transition="request_approval",
        )
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    changes = (
        ChangeRequest.objects.filter(pk__in=open_slots.values("change_id"))
        .select_related("requester__person")
        .annotate(waiting_since=Coalesce(Subquery(opened), "assessed_at", "updated_at"))
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=Approval.objects.order_by("order", "pk"),
                to_attr="all_approvals",
            )
        )
    )
    found = []
    for change in changes:
        approvals = [a for a in change.all_approvals if a.round == change.approval_round]
        if approval_slot_for(user, change, approvals) is None:
            continue
        found.append(
            PendingDecision(
                process="changes",
                kind=_("Change approval (CAB)"),
                number=change.number,
                title=change.summary,
                requested_by=_name(change.requester),
                since=change.waiting_since,
                url=change.get_absolute_url(),
            )
        )
    return found


def release_decisions_pending(user):
    """Authorisations of tested releases that `user` may give now."""
    from .release_services import approval_refusal

    signable = _signable(user)
    if signable is None:
        return []
    open_slots = ReleaseApproval.objects.filter(
        signable,
        decision=Decision.PENDING,
        release__status=ReleaseStatus.TESTED,
        round=F("release__approval_round"),
    )
    releases = (
        Release.objects.filter(pk__in=open_slots.values("release_id"))
        .select_related("requester__person")
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=ReleaseApproval.objects.order_by("order", "pk"),
                to_attr="all_approvals",
            )
        )
    )
    found = []
    for release in releases:
        approvals = [a for a in release.all_approvals if a.round == release.approval_round]
        if approval_refusal(user, release, approvals):
            continue
        found.append(
            PendingDecision(
                process="releases",
                kind=_("Release authorisation"),
                number=release.number,
                title=release.summary,
                requested_by=_name(release.requester),
                # Marking it tested opens the round (mark_tested stamps tested_at).
                since=release.tested_at or release.updated_at,
                url=release.get_absolute_url(),
            )
        )
    return found
