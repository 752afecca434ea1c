"""The searchable person field (issue 16 item 11): the spare-unit loan's borrower is typed
and picked, not scrolled for in a select of every account."""

import pytest
from django import forms
from django.urls import reverse

from cmdb.forms import LoanForm
from servicedesk.choices import Role
from servicedesk.widgets import PersonPickField


class _Form(forms.Form):
    who = PersonPickField(label="who")


def test_field_takes_a_username_or_a_unique_full_name(make_person):
    wang = make_person(username="wangfang", name="王芳")
    assert _Form({"who": "WANGFANG"}).is_valid()
    form = _Form({"who": "王芳"})
    assert form.is_valid() and form.cleaned_data["who"] == wang


def test_field_names_an_unknown_or_ambiguous_person(make_person):
    make_person(username="li1", name="李强")
    make_person(username="li2", name="李强")
    unknown = _Form({"who": "<b>无名</b>"})
    assert not unknown.is_valid() and "无名" in unknown.errors["who"][0]
    ambiguous = _Form({"who": "李强"})
    assert not ambiguous.is_valid()
    assert "Several people" in ambiguous.errors["who"][0] or "多人" in ambiguous.errors["who"][0]


def test_inactive_accounts_cannot_be_picked(make_person):
    gone = make_person(username="gone", name="离职者")
    gone.is_active = False
    gone.save()
    assert not _Form({"who": "gone"}).is_valid()


@pytest.mark.django_db
def test_loan_form_has_no_select_of_every_account(client, engineer, make_person):
    for n in range(30):
        make_person(username=f"p{n}", name=f"人员{n}")
    client.force_login(engineer)
    page = client.get(reverse("cmdb:loan_list")).content.decode()
    assert 'name="borrower"' in page
    assert '<select name="borrower"' not in page
    assert "人员29" not in page  # nobody is listed until something is typed
    assert 'hx-get="/people/pick/' in page or reverse("servicedesk:person_pick") in page
    assert isinstance(LoanForm().fields["borrower"], PersonPickField)


def test_picker_lists_matches_and_draws_the_field_with_the_pick(client, engineer, make_person):
    make_person(username="zhoujie", name="周杰", phone="020-83001234")
    make_person(username="other", name="别人")
    client.force_login(engineer)
    url = reverse("servicedesk:person_pick")
    answer = client.get(url, {"field": "borrower", "field_id": "id_borrower", "borrower": "周"})
    body = answer.content.decode()
    assert "周杰" in body and "别人" not in body
    assert 'data-pick-username="zhoujie"' in body
    assert 'hx-target="#id_borrower-picker"' in body

    picked = client.get(
        url, {"field": "borrower", "field_id": "id_borrower", "pick": "zhoujie"}
    ).content.decode()
    assert 'id="id_borrower-picker"' in picked
    assert 'value="zhoujie"' in picked and "周杰" in picked


def test_picker_refuses_odd_field_names_and_end_users_find_only_themselves(
    client, end_user, make_person
):
    make_person(Role.ENGINEER, username="eng", name="工程师甲")
    client.force_login(end_user)
    url = reverse("servicedesk:person_pick")
    bad = client.get(url, {"field": '"><script>', "q": "x"})
    assert bad.status_code == 403
    body = client.get(url, {"field": "who", "q": "工程师"}).content.decode()
    assert "工程师甲" not in body
