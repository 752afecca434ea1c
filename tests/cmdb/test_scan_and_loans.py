"""Issue 16 item 11: the scan page's button and the loan's borrower."""

from django.urls import reverse


def test_lending_by_username_through_the_page(client, engineer, make_person, make_ci):
    from cmdb.choices import CIStatus
    from cmdb.models import SpareUnitLoan

    spare = make_ci(status=CIStatus.SPARE)
    make_person(username="borrower", name="借用人")
    client.force_login(engineer)
    response = client.post(reverse("cmdb:loan_list"), {"spare": spare.pk, "borrower": "借用人"})
    assert response.status_code == 302
    assert SpareUnitLoan.objects.get().borrower.username == "borrower"


def test_scan_button_is_open_as_a_verb_not_the_open_status(client, engineer):
    client.force_login(engineer)
    page = client.get(reverse("cmdb:scan"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未关闭" not in page
    assert "打开" in page
