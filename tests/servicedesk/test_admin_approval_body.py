"""Only an administrator decides who signs for 运维部 / 信息中心."""

import pytest
from django.urls import reverse

from servicedesk.choices import ApprovalBody

pytestmark = pytest.mark.django_db


def _change(client, person, **changes):
    url = reverse("admin:servicedesk_person_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else ("" if value is None else value))
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(changes)
    return client.post(url, data), page


def test_a_supervisor_cannot_make_someone_an_approver(client, supervisor, make_person):
    supervisor.is_staff = True
    supervisor.save()
    person = make_person(username="clerk").person
    client.force_login(supervisor)
    response, page = _change(
        client, person, approval_body=ApprovalBody.OPS_DEPARTMENT, phone="020-1"
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.approval_body == "" and person.phone == "020-1"
    assert 'name="approval_body"' not in page.content.decode()


def test_an_administrator_can(client, admin_user, make_person):
    person = make_person(username="clerk").person
    client.force_login(admin_user)
    response, _page = _change(client, person, approval_body=ApprovalBody.OPS_DEPARTMENT)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.approval_body == ApprovalBody.OPS_DEPARTMENT
