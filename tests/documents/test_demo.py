import pytest

from documents import demo
from knowledge import demo as knowledge_demo

pytestmark = pytest.mark.django_db


def test_demo_documents_cover_the_catalogue_and_its_flows(agent, engineer, approver, info_centre):
    from documents.choices import ApplicationStatus, BorrowStatus, DocumentStatus
    from documents.models import (
        ControlledDocument,
        DocumentBackup,
        DocumentBorrowApplication,
        DocumentChangeApplication,
    )

    knowledge_demo.seed(password="x")
    demo.seed(password="x")
    assert "controlled documents already there" in demo.seed(password="x")
    numbers = set(ControlledDocument.objects.values_list("number", flat=True))
    assert {"A01", "B02", "C0101", "D0201"} <= numbers
    assert ControlledDocument.objects.get(number="A01").name == "运维服务方案"
    assert ControlledDocument.objects.get(number="D0201").procedure.number == "B02"
    # B02's change: approved by the ops department, awaiting the information centre.
    pending = DocumentChangeApplication.objects.get(status=ApplicationStatus.SUBMITTED)
    assert pending.document.number == "B02"
    assert [(d.body, d.decision, d.decided_by) for d in pending.decisions.order_by("order")] == [
        ("ops_department", "approved", approver),
        ("information_centre", "pending", None),
    ]
    # C0101's change went through both stages: version 2.0 is current.
    done = DocumentChangeApplication.objects.get(status=ApplicationStatus.COMPLETED)
    assert done.document.version_label == "2.0"
    assert done.decisions.filter(decision="approved").count() == 4
    assert ControlledDocument.objects.get(number="D0903").decisions.get().decision == "pending"
    loan = DocumentBorrowApplication.objects.get(status=BorrowStatus.LENT)
    assert loan.is_overdue
    assert DocumentBackup.objects.filter(verified=True).exists()
    assert ControlledDocument.objects.filter(status=DocumentStatus.DRAFT).exists()
