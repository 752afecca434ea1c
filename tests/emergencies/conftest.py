import pytest

from emergencies import services
from emergencies.choices import ApprovalChannel, EmergencyType, Severity
from incidents import services as incident_services
from itsm.actors import system_user
from servicedesk.choices import ApprovalBody, Role


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators did to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def info_centre(make_person):
    return make_person(
        Role.APPROVER,
        username="infocentre",
        name="信息中心刘主任",
        approval_body=ApprovalBody.INFORMATION_CENTRE,
    )


@pytest.fixture
def switch(db):
    from cmdb.models import CIClass
    from cmdb.services import ci_create

    ci_class = CIClass.objects.filter(code="switch").first() or CIClass.objects.first()
    return ci_create(actor=system_user(), ci_class=ci_class, asset_tag="SW-CORE", name="核心交换机")


@pytest.fixture
def file_order(db, end_user):
    def make(**kwargs):
        kwargs.setdefault("title", "网络不通")
        return incident_services.work_order_create(
            actor=kwargs.pop("actor", end_user),
            requester=kwargs.pop("requester", end_user),
            **kwargs,
        )

    return make


@pytest.fixture
def declare(supervisor, engineer, file_order):
    def make(**kwargs):
        kwargs.setdefault("work_order", file_order())
        kwargs.setdefault("type", EmergencyType.WIDE_OUTAGE)
        kwargs.setdefault("scope", "机关办公楼全楼网络中断")
        kwargs.setdefault("commander", engineer)
        kwargs.setdefault("severity", Severity.CRITICAL)
        return services.emergency_declare(actor=kwargs.pop("actor", supervisor), **kwargs)

    return make


@pytest.fixture
def active(declare, supervisor, info_centre, engineer):
    """A declared, orally approved, active emergency."""

    def make(**kwargs):
        emergency = declare(**kwargs)
        emergency = services.emergency_record_oral_approval(
            emergency=emergency,
            actor=supervisor,
            approver=info_centre,
            channel=ApprovalChannel.PHONE,
        )
        return services.emergency_activate(emergency=emergency, actor=engineer)

    return make
