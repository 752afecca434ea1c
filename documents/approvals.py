"""The documents' pending decisions for the approvals inbox (itsm.approvals).

For one approver: every registration awaiting release and every change, change result,
scrap and borrowing application awaiting a decision of the body they sign for. The rows
come from `restrict(user, "release" / "decide")` (the same rule as lists and object
checks), and each is confirmed with `decision_refusal`, the function the decision page
and the services use, on decisions loaded in one query per kind: a fixed number of
queries however many are waiting.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm.approvals import PendingDecision

from . import permissions
from .choices import ApplicationKind, DecisionStage
from .models import (
    ControlledDocument,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
)
from .stages import current_stage, stage_view

_PEOPLE = ("requested_by__person",)


def _name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def _by_stage(rows) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.stage].append(row)
    return grouped


def _registrations(user):
    documents = (
        ControlledDocument.objects.restrict(user, "release")
        .select_related("registered_by__person")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=DocumentDecision.objects.filter(kind=ApplicationKind.REGISTRATION),
                to_attr="registration_decisions",
            )
        )
        .order_by("created_at", "pk")
    )
    for document in documents:
        stage = stage_view(
            ApplicationKind.REGISTRATION, DecisionStage.APPROVAL, document.registration_decisions
        )
        if permissions.decision_refusal(user, document, stage):
            continue
        yield PendingDecision(
            process="documents",
            kind=_("Document release (文件登记表)"),
            number=document.number,
            title=document.name,
            requested_by=_name(document.registered_by),
            since=document.created_at,
            url=document.get_absolute_url(),
        )


# What each waiting decision is, by application model and stage.
_KINDS = {
    DocumentChangeApplication: {
        DecisionStage.APPROVAL: gettext_lazy("Document change (文件更改申请单)"),
        DecisionStage.CONFIRMATION: gettext_lazy("Document change result (文件更改申请单)"),
    },
    DocumentScrapApplication: {
        DecisionStage.APPROVAL: gettext_lazy("Document scrapping (报废申请单)")
    },
    DocumentBorrowApplication: {
        DecisionStage.APPROVAL: gettext_lazy("Document loan (文件借阅申请单)")
    },
}


def _applications(user, model):
    applications = (
        model.objects.restrict(user, "decide")
        .select_related("document", *_PEOPLE)
        .prefetch_related("decisions")
        .order_by("created_at", "pk")
    )
    for application in applications:
        stage = current_stage(application)
        if not stage:
            continue
        rows = [row for row in application.decisions.all() if row.stage == stage]
        view = stage_view(model.KIND, stage, rows)
        if permissions.decision_refusal(user, application, view):
            continue
        since = application.carried_out_at if stage == DecisionStage.CONFIRMATION else None
        yield PendingDecision(
            process="documents",
            kind=str(_KINDS[model][stage]),
            number=application.number,
            title=str(application.document),
            requested_by=_name(application.requested_by),
            since=since or application.created_at,
            url=application.document.get_absolute_url(),
        )


def document_decisions_pending(user) -> list[PendingDecision]:
    """Every document decision waiting for `user`'s approval body (4 kinds × 2 queries)."""
    if not permissions.role_allows(user, "decide"):
        return []
    found = list(_registrations(user))
    for model in _KINDS:
        found.extend(_applications(user, model))
    return found


def handins_pending(user) -> list[PendingDecision]:
    """Technical monthly reports awaiting `user`'s review (one query), the same rows
    `restrict(user, "review")` and handin_refusal allow."""
    from .models import TechnicalHandIn

    if not permissions.role_allows(user, "review_handins"):
        return []
    reports = (
        TechnicalHandIn.objects.restrict(user, "review")
        .select_related("duty__assignee__person", "duty__team")
        .order_by("submitted_at", "pk")
    )
    return [
        PendingDecision(
            process="documents",
            kind=_("Technical monthly report review (技术月报)"),
            number=report.period_label,
            title=report.title,
            requested_by=_name(report.duty.assignee),
            since=report.submitted_at or report.created_at,
            url=report.get_absolute_url(),
        )
        for report in reports
        if not permissions.handin_refusal(user, report, "review")
    ]
