"""Nobody takes over a colleague's mail identity by typing their address."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from incidents.mail.intake import mail_ingest
from incidents.models import InboundMail, WorkOrder
from incidents.models.mail import InboundMailStatus
from servicedesk.services import email_verify, person_update_contact
from tests.incidents.test_mail_intake import mail_bytes

pytestmark = pytest.mark.django_db


def _link_token():
    body = mail.outbox[-1].body
    return re.search(r"/profile/email/([^/\s]+)/", body).group(1)


def test_a_colleagues_address_is_refused(end_user, make_person):
    colleague = make_person(username="colleague")
    with pytest.raises(ValidationError) as caught:
        person_update_contact(
            person=end_user.person, phone="", mobile="", email=colleague.email.upper()
        )
    assert "email" in caught.value.message_dict
    end_user.refresh_from_db()
    assert end_user.email == "enduser@example.gov.cn"


def test_a_new_address_is_used_only_after_its_link_is_opened(
    end_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person_update_contact(
            person=end_user.person, phone="", mobile="", email="new@example.gov.cn"
        )
    end_user.refresh_from_db()
    assert end_user.email == "enduser@example.gov.cn"  # not yet
    assert mail.outbox[-1].to == ["new@example.gov.cn"]

    person = email_verify(actor=end_user, token=_link_token())
    end_user.refresh_from_db()
    assert end_user.email == "new@example.gov.cn" and person.email_verified_at is not None


def test_someone_elses_link_does_not_verify(end_user, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person_update_contact(person=end_user.person, phone="", mobile="", email="x@example.gov.cn")
    with pytest.raises(PermissionDenied):
        email_verify(actor=agent, token=_link_token())
    with pytest.raises(ValidationError):
        email_verify(actor=end_user, token=_link_token() + "tampered")


def test_mail_from_an_unverified_address_is_held_not_filed(end_user):
    end_user.person.email_verified_at = None
    end_user.person.save()
    mail_ingest(raw=mail_bytes(sender="王芳 <enduser@example.gov.cn>"))
    inbound = InboundMail.objects.get()
    assert inbound.status == InboundMailStatus.REJECTED and "verified" in inbound.reason
    assert not WorkOrder.objects.exists()


def test_mail_from_an_address_two_accounts_share_is_held(end_user, make_person):
    other = make_person(username="other")
    type(other).objects.filter(pk=other.pk).update(email=end_user.email)  # e.g. old admin data
    mail_ingest(raw=mail_bytes(sender="王芳 <enduser@example.gov.cn>"))
    assert InboundMail.objects.get().status == InboundMailStatus.REJECTED
    assert not WorkOrder.objects.exists()


def test_mail_from_a_verified_address_is_filed(end_user):
    mail_ingest(raw=mail_bytes(sender="王芳 <enduser@example.gov.cn>"))
    assert WorkOrder.objects.get().requester == end_user


def test_the_profile_page_says_a_link_was_sent(client, end_user):
    client.force_login(end_user)
    response = client.post(
        reverse("servicedesk:profile"),
        {"phone": "", "mobile": "", "email": "mine@example.gov.cn"},
        follow=True,
    )
    assert "mine@example.gov.cn" in response.content.decode()
