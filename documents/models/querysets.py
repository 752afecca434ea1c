"""Who may see and decide which documents and applications: one query per rule.

Lists call `Model.objects.restrict(user, action)`; one object is checked with
`itsm.permissions.permits(user, obj, action)`, which asks the same query. The role part
comes from documents.permissions.role_allows; "release" and "decide" narrow the rows to
those awaiting the user's own approval body now (the rows decision_refusal allows), so
the approvals inbox is a query, not a copy.
"""

from django.db.models import Exists, OuterRef, Q

from itsm.permissions import RestrictedQuerySet

from .. import bodies as approval_bodies
from ..choices import ApplicationKind, Decision, DecisionStage

# action → the role rule it needs (documents.permissions.ROLE_RULES)
_DOCUMENT_ROLE_RULE = {"view": "read", "change": "edit", "release": "release"}
_APPLICATION_ROLE_RULE = {"view": "read", "decide": "decide", "lend": "lend"}


def _decisions():
    from .applications import DocumentDecision

    return DocumentDecision.objects


def _awaiting_body(rows, *, body: str, kind: str, stage: str, round_field=None):
    """Rows (already narrowed to one subject) for which `body` decides now: its pending
    row, or no rows yet at this stage (filed before they existed) when the plan asks it."""
    pending = Exists(rows.filter(stage=stage, body=body, decision=Decision.PENDING))
    if body in approval_bodies.required_bodies(kind, stage):
        return pending | ~Exists(rows.filter(stage=stage))
    return pending


class DocumentQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import role_allows

        if not role_allows(user, _DOCUMENT_ROLE_RULE.get(action, "read")):
            return self.none()
        if action != "release":
            return self
        body = approval_bodies.body_of(user)
        if not body:
            return self.none()
        registration = _decisions().filter(
            document=OuterRef("pk"), kind=ApplicationKind.REGISTRATION
        )
        # A round with a rejection is turned down until the keepers hand it in again.
        turned_down = _decisions().filter(
            document=OuterRef("document"),
            kind=ApplicationKind.REGISTRATION,
            round=OuterRef("round"),
            decision=Decision.REJECTED,
        )
        pending = registration.filter(body=body, decision=Decision.PENDING).exclude(
            Exists(turned_down)
        )
        awaiting = Exists(pending)
        if body in approval_bodies.required_bodies(ApplicationKind.REGISTRATION):
            awaiting |= ~Exists(registration)
        return self.filter(status="draft").exclude(registered_by=user).filter(awaiting)


class ApplicationQuerySet(RestrictedQuerySet):
    """Change, scrap and borrowing applications (one model each, one queryset class)."""

    def _restrict(self, user, action: str):
        from ..permissions import role_allows

        if not role_allows(user, _APPLICATION_ROLE_RULE.get(action, "read")):
            return self.none()
        if action != "decide":
            return self
        body = approval_bodies.body_of(user)
        if not body:
            return self.none()
        kind = self.model.KIND
        rows = _decisions().filter(kind=kind, **{f"{kind}_application": OuterRef("pk")})
        at_approval = Q(status="submitted") & _awaiting_body(
            rows, body=body, kind=kind, stage=DecisionStage.APPROVAL
        )
        awaiting = at_approval
        if kind == ApplicationKind.CHANGE:
            at_confirmation = (
                Q(status="confirming")
                & ~Q(carried_out_by=user)
                & _awaiting_body(rows, body=body, kind=kind, stage=DecisionStage.CONFIRMATION)
            )
            awaiting = at_approval | at_confirmation
        return self.exclude(requested_by=user).filter(awaiting)
