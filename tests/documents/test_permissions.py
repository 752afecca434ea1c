"""One rule per question: for every role the lists (`restrict`), the single-object checks
(detail page, API, `permits`) and the decision refusal the buttons and services use agree;
the approvals inbox lists exactly what the decision page would let the user decide."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from documents import actions, permissions, selectors, services
from documents.models import (
    ControlledDocument,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentScrapApplication,
)
from itsm import approvals
from itsm.permissions import permits
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
APPLICATION_MODELS = (
    DocumentChangeApplication,
    DocumentScrapApplication,
    DocumentBorrowApplication,
)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def everyone(make_person, approver, info_centre, agent, engineer, end_user):
    """One user per role, the two approval bodies, and an approver signing for none."""
    users = {role.value: make_person(role) for role in Role if role != Role.APPROVER}
    users.update(
        ops=approver,
        centre=info_centre,
        bodiless=make_person(Role.APPROVER, username="nobody"),
        agent=agent,
        engineer=engineer,
        end_user=end_user,
    )
    return users


@pytest.fixture
def catalogue(make_document, agent, engineer, approver, info_centre, approve_all, upload):
    """Documents and applications at every stage a decision can wait at (or not)."""
    make_document("B01")
    draft = make_document("A01", release=False)
    turned_down = make_document("A02", release=False)
    services.document_release_reject(document=turned_down, actor=info_centre, note="缺附录")
    change = services.change_apply(
        document=make_document("B02"), actor=engineer, reason="r", content="c"
    )
    half = services.change_apply(
        document=make_document("B03"), actor=approver, reason="r", content="c"
    )
    services.application_approve(application=half, actor=info_centre)
    confirming = services.change_apply(
        document=make_document("B04"), actor=engineer, reason="r", content="c"
    )
    confirming = approve_all(confirming)
    confirming = services.change_result_record(
        application=confirming,
        actor=agent,
        change_process="p",
        change_made="m",
        change_result="r",
        file=upload(),
    )
    scrap = services.scrap_apply(document=make_document("C0101"), actor=agent, reason="r")
    loan = services.borrow_apply(
        document=make_document("A03"), actor=engineer, purpose="p", due_on=date(2026, 12, 9)
    )
    lent = services.borrow_apply(
        document=make_document("A04"), actor=engineer, purpose="p", due_on=date(2026, 12, 9)
    )
    services.application_approve(application=lent, actor=approver)
    return {"draft": draft, "change": change, "scrap": scrap, "loan": loan}


def _stage_of(application):
    application = type(application).objects.get(pk=application.pk)
    selectors.application_decisions([application])
    stage = services.decision_stage(application)
    return application, next((s for s in application.decision_stages if s.stage == stage), None)


def test_for_every_role_list_page_api_and_permits_agree_on_what_is_visible(
    catalogue, everyone, client
):
    documents = list(ControlledDocument.objects.all())
    for name, user in everyone.items():
        listed = set(ControlledDocument.objects.restrict(user, "view"))
        client.force_login(user)
        api = APIClient()
        api.force_authenticate(user)
        for document in documents:
            visible = document in listed
            assert permits(user, document, "view") is visible, (name, document)
            page = client.get(document.get_absolute_url()).status_code
            assert (page == 200) is visible, (name, document, page)
            answer = api.get(f"/api/documents/{document.number}/").status_code
            assert (answer == 200) is visible, (name, document, answer)
        for model in APPLICATION_MODELS:
            listed = set(model.objects.restrict(user, "view"))
            for application in model.objects.all():
                assert permits(user, application, "view") is (application in listed)
    assert not ControlledDocument.objects.restrict(everyone["end_user"], "view").exists()
    assert ControlledDocument.objects.restrict(everyone["agent"], "view").count() == len(documents)


def test_for_every_role_the_decide_list_agrees_with_the_decision_refusal(catalogue, everyone):
    for name, user in everyone.items():
        for model in APPLICATION_MODELS:
            deciding = set(model.objects.restrict(user, "decide"))
            for application in model.objects.all():
                application, stage = _stage_of(application)
                allowed = stage is not None and not permissions.decision_refusal(
                    user, application, stage
                )
                assert (application in deciding) is allowed, (name, application.number)
                assert permits(user, application, "decide") is allowed
        releasing = set(ControlledDocument.objects.restrict(user, "release"))
        for document in ControlledDocument.objects.all():
            applications = selectors.document_applications(document=document)
            allowed = document.status == "draft" and not permissions.decision_refusal(
                user, document, document.release_stage
            )
            assert (document in releasing) is allowed, (name, document.number)
            shown = {
                a.name
                for a in actions.document_actions(
                    user=user, document=document, applications=applications
                )
                if a.allowed
            }
            assert ("release" in shown) is allowed, (name, document.number)


def test_the_bodies_each_see_what_waits_for_them(catalogue, everyone):
    ops, centre = everyone["ops"], everyone["centre"]
    assert set(ControlledDocument.objects.restrict(centre, "release")) == {catalogue["draft"]}
    assert set(ControlledDocument.objects.restrict(ops, "release")) == set()
    ops_waiting = {a.number for m in APPLICATION_MODELS for a in m.objects.restrict(ops, "decide")}
    # The B03 change is the ops approver's own: never in their list.
    assert ops_waiting == {
        catalogue["change"].number,
        catalogue["scrap"].number,
        catalogue["loan"].number,
        DocumentChangeApplication.objects.get(document__number="B04").number,
    }
    centre_waiting = {
        a.number for m in APPLICATION_MODELS for a in m.objects.restrict(centre, "decide")
    }
    assert catalogue["loan"].number not in centre_waiting  # loans are the ops department's
    assert not any(
        m.objects.restrict(everyone["bodiless"], "decide").exists() for m in APPLICATION_MODELS
    )


def test_inbox_lists_the_same_rows_in_a_fixed_number_of_queries(
    make_document, engineer, approver, info_centre, catalogue
):
    def inbox(user):
        with CaptureQueriesContext(connection) as captured:
            found = approvals.pending_for(user)
        return [d for d in found if d.process == "documents"], len(captured)

    few, queries = inbox(approver)
    for n in range(5, 10):
        services.borrow_apply(
            document=make_document(f"A{n:02d}"),
            actor=engineer,
            purpose="p",
            due_on=date(2026, 12, 9),
        )
        services.scrap_apply(document=make_document(f"B{n + 10:02d}"), actor=engineer, reason="r")
    many, more_queries = inbox(approver)
    assert len(many) == len(few) + 10
    assert more_queries == queries
    assert {d.number for d in many} == {
        a.number for m in APPLICATION_MODELS for a in m.objects.restrict(approver, "decide")
    }
    centre = {d.number for d in inbox(info_centre)[0]}
    assert catalogue["draft"].number in centre


def test_demo_approvers_see_their_pending_document_decisions(
    agent, engineer, approver, info_centre
):
    from documents import demo

    demo.seed(password="x")
    ops = {(d.kind, d.number) for d in approvals.pending_for(approver) if d.process == "documents"}
    centre = {
        (d.kind, d.number) for d in approvals.pending_for(info_centre) if d.process == "documents"
    }
    loan = DocumentBorrowApplication.objects.get(status="submitted")
    change = DocumentChangeApplication.objects.get(status="submitted")
    assert ops == {("Document loan (文件借阅申请单)", loan.number)}
    assert centre == {
        ("Document release (文件登记表)", "D0903"),
        ("Document change (文件更改申请单)", change.number),
    }
    decision = next(d for d in approvals.pending_for(info_centre) if d.number == "D0903")
    assert decision.url == "/documents/D0903/"
    assert decision.requested_by == "李静"
