import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_document_admin_pages_open(client, admin_user, make_document, engineer, approver, upload):
    from datetime import timedelta

    from django.utils import timezone

    from documents import services

    make_document("B01")
    document = make_document("C0101")
    change = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    loan = services.borrow_apply(
        document=make_document("A01"),
        actor=engineer,
        purpose="p",
        due_on=timezone.localdate() + timedelta(days=3),
    )
    scrap = services.scrap_apply(document=make_document("A02"), actor=engineer, reason="r")
    backup = services.backup_create(
        actor=engineer,
        content="x",
        documents=[document],
        backed_up_on=timezone.localdate(),
        medium="disk",
        location="机房",
    )
    check = services.check_record(document=make_document("B02"), actor=engineer, result="valid")
    client.force_login(admin_user)
    for name, pk in (
        ("controlleddocument", document.pk),
        ("documentchangeapplication", change.pk),
        ("documentscrapapplication", scrap.pk),
        ("documentborrowapplication", loan.pk),
        ("documentbackup", backup.pk),
        ("documentvaliditycheck", check.pk),
    ):
        for url in (
            reverse(f"admin:documents_{name}_changelist"),
            reverse(f"admin:documents_{name}_change", args=[pk]),
        ):
            assert client.get(url).status_code == 200, url
    # Registration goes through the page (number scheme, first version), not the admin.
    assert client.get(reverse("admin:documents_controlleddocument_add")).status_code == 403


def test_roles_hold_the_document_permissions(make_person, roles_exist):
    from servicedesk.choices import Role

    approve = "documents.approve_controlleddocument"
    users = {role: make_person(role) for role in Role}
    assert users[Role.APPROVER].has_perm(approve)
    assert not users[Role.SUPERVISOR].has_perm(approve)
    assert not users[Role.ENGINEER].has_perm(approve)
    assert users[Role.SERVICE_DESK].has_perm("documents.add_controlleddocument")
    assert users[Role.ENGINEER].has_perm("documents.add_documentchangeapplication")
    assert users[Role.MANAGER].has_perm("documents.view_controlleddocument")
    assert not users[Role.MANAGER].has_perm("documents.add_controlleddocument")
    assert not users[Role.END_USER].has_perm("documents.view_controlleddocument")
