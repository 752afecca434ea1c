"""Signatures and test results are read in admin, never written there (the services check who)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_shows_but_does_not_let_anyone_edit_signatures_or_test_results(
    admin_client, tested_release
):
    release = tested_release()
    approval = release.approvals.first()
    record = release.test_records.first()
    for model, obj in (("releaseapproval", approval), ("releasetestrecord", record)):
        change_url = reverse(f"admin:changes_{model}_change", args=[obj.pk])
        assert admin_client.get(reverse(f"admin:changes_{model}_changelist")).status_code == 200
        page = admin_client.get(change_url).content.decode()
        assert 'name="_save"' not in page
        assert (
            admin_client.post(change_url, {"decision": "approved", "result": "passed"}).status_code
            == 403
        )
        assert admin_client.get(reverse(f"admin:changes_{model}_add")).status_code == 403
    approval.refresh_from_db()
    assert approval.decision == "pending"


def test_the_release_admin_page_lists_test_records_without_editable_rows(
    admin_client, tested_release
):
    release = tested_release()
    page = admin_client.get(
        reverse("admin:changes_release_change", args=[release.pk])
    ).content.decode()
    assert "安装" in page
    assert 'name="test_records-0-result"' not in page
