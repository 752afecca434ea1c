import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_pages_open(client, admin_user, make_record):
    record = make_record()
    client.force_login(admin_user)
    for url in (
        reverse("admin:knowledge_knowledgerecord_changelist"),
        reverse("admin:knowledge_knowledgerecord_change", args=[record.pk]),
        reverse("admin:knowledge_knowledgefeedback_changelist"),
    ):
        assert client.get(url).status_code == 200, url
