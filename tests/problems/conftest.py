import pytest

from incidents import services as incident_services
from servicedesk.models import Category


@pytest.fixture
def printer(db):
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user

    return ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="printer"),
        asset_tag="PR-301",
        name="三楼打印机",
    )


@pytest.fixture
def jam(db):
    return Category.objects.filter(level="fault_type").select_related("parent").first()


@pytest.fixture
def file_order(db, end_user):
    def make(**kwargs):
        kwargs.setdefault("title", "打印机卡纸")
        return incident_services.work_order_create(
            actor=kwargs.pop("actor", end_user),
            requester=kwargs.pop("requester", end_user),
            **kwargs,
        )

    return make


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators have done to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
