import pytest
from django.urls import reverse

from cmdb.models import CIRelationship

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["configurationitem", "ciclass", "supplier", "cirelationship"])
def test_admin_lists_and_searches_every_cmdb_model(client, admin_user, make_ci, model):
    a, b = make_ci(), make_ci()
    CIRelationship.objects.create(source=a, target=b, type="depends_on")
    client.force_login(admin_user)
    url = reverse(f"admin:cmdb_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "T-0"}).status_code == 200


def test_admin_edit_page_of_an_item_opens(client, admin_user, make_ci):
    ci = make_ci()
    client.force_login(admin_user)
    assert (
        client.get(reverse("admin:cmdb_configurationitem_change", args=[ci.pk])).status_code == 200
    )
