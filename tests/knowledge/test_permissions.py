"""One rule per model: for every role the list, the object check, the page and the API agree."""

import pytest
from rest_framework.test import APIClient

from itsm.permissions import permits
from knowledge import selectors
from knowledge.choices import Audience
from knowledge.models import KnowledgeRecord
from knowledge.permissions import RULES, record_refusal

pytestmark = pytest.mark.django_db

ROLES = ["end_user", "agent", "engineer", "supervisor", "approver", "manager", "admin_user"]
STAFF = {"agent", "engineer", "supervisor", "manager", "admin_user"}


@pytest.mark.parametrize("role", ROLES)
def test_list_object_check_page_and_api_agree(request, client, role, make_record):
    user = request.getfixturevalue(role)
    public = make_record("打印机卡纸处理方法")
    internal = make_record("交换机重启步骤", audience=Audience.INTERNAL)
    draft = make_record("显示器闪烁", publish=False)
    records = [public, internal, draft]
    listed = set(KnowledgeRecord.objects.restrict(user, "view").values_list("pk", flat=True))
    expected = {r.pk for r in records} if role in STAFF else {public.pk}
    assert listed == expected
    assert set(selectors.record_visible(user=user).values_list("pk", flat=True)) == listed
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    for record in records:
        visible = record.pk in listed
        assert permits(user, record, "view") is visible
        assert (record_refusal(user, record, "view") == "") is visible
        page = client.get(record.get_absolute_url())
        assert (page.status_code == 200) is visible, page.status_code
        answer = api.get(f"/api/knowledge-records/{record.number}/")
        assert (answer.status_code == 200) is visible, answer.status_code
        for action in RULES:
            allowed = set(
                KnowledgeRecord.objects.restrict(user, action).values_list("pk", flat=True)
            )
            assert permits(user, record, action) is (record.pk in allowed)
            assert (record_refusal(user, record, action) == "") is (record.pk in allowed)
