import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from antivirus import services
from antivirus.approvals import reinstall_decisions_pending
from antivirus.choices import ReinstallStatus
from antivirus.models import ReinstallRequest
from incidents.services import work_order_create
from itsm.models import TransitionLog
from itsm.workflow import Conflict
from servicedesk.choices import ApprovalBody, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(end_user, estate):
    return work_order_create(
        actor=end_user, requester=end_user, title="电脑中毒", device=estate["PC-0001"]
    )


@pytest.fixture
def centre(make_person):
    return make_person(Role.APPROVER, approval_body=ApprovalBody.INFORMATION_CENTRE)


def test_reinstall_needs_both_confirmations_in_either_order(engineer, end_user, centre, order):
    request = services.reinstall_request(
        actor=engineer, work_order=order, reason="顽固病毒无法清除"
    )
    assert request.user == end_user
    assert [d.number for d in reinstall_decisions_pending(end_user)] == [order.number]
    assert [d.number for d in reinstall_decisions_pending(centre)] == [order.number]
    with pytest.raises(PermissionDenied):
        services.reinstall_complete(
            actor=engineer, request=request, outcome="x", lock_version=request.lock_version
        )
    request = services.reinstall_confirm(
        actor=centre, request=request, lock_version=request.lock_version
    )
    assert request.status == ReinstallStatus.CENTRE_CONFIRMED
    assert list(reinstall_decisions_pending(centre)) == []
    with pytest.raises(Conflict):
        services.reinstall_confirm(
            actor=end_user, request=request, lock_version=request.lock_version - 1
        )
    request = services.reinstall_confirm(
        actor=end_user, request=request, lock_version=request.lock_version
    )
    assert request.status == ReinstallStatus.APPROVED
    request = services.reinstall_complete(
        actor=engineer,
        request=request,
        outcome="已重装并恢复数据",
        lock_version=request.lock_version,
    )
    assert request.status == ReinstallStatus.DONE and request.done_at
    steps = list(
        TransitionLog.objects.filter(object_id=str(request.pk)).values_list("transition", flat=True)
    )
    assert steps == ["request", "confirm_centre", "confirm_user", "complete"]
    assert order.reinstall_requests.get() == request


def test_others_cannot_confirm_and_a_refusal_needs_a_reason(engineer, agent, end_user, order):
    request = services.reinstall_request(actor=engineer, work_order=order, reason="无法清除")
    with pytest.raises(PermissionDenied):
        services.reinstall_confirm(actor=agent, request=request, lock_version=request.lock_version)
    with pytest.raises(ValidationError):
        services.reinstall_refuse(
            actor=end_user, request=request, note="", lock_version=request.lock_version
        )
    request = services.reinstall_refuse(
        actor=end_user, request=request, note="数据未备份", lock_version=request.lock_version
    )
    assert request.status == ReinstallStatus.REFUSED


def test_end_users_see_only_their_own_requests(engineer, end_user, make_person, order):
    services.reinstall_request(actor=engineer, work_order=order, reason="无法清除")
    other = make_person(Role.END_USER)
    assert ReinstallRequest.objects.restrict(end_user).count() == 1
    assert ReinstallRequest.objects.restrict(other).count() == 0
    with pytest.raises(PermissionDenied):
        services.reinstall_request(actor=end_user, work_order=order, reason="x")


def test_reinstall_pages(client, engineer, end_user, centre, order):
    client.force_login(engineer)
    response = client.post(
        "/antivirus/reinstalls/", {"work_order": order.number, "reason": "无法清除"}
    )
    request = ReinstallRequest.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    client.force_login(end_user)
    page = client.get(request.get_absolute_url())
    assert "confirm" in page.content.decode()
    client.post(
        request.get_absolute_url(),
        {"action": "confirm", "note": "", "lock_version": request.lock_version},
    )
    request.refresh_from_db()
    assert request.status == ReinstallStatus.USER_CONFIRMED
    stale = client.post(
        request.get_absolute_url(), {"action": "refuse", "note": "n", "lock_version": 1}
    )
    assert (
        stale.status_code == 200
        and "Reload" in stale.content.decode()
        or "刷新" in stale.content.decode()
    )
