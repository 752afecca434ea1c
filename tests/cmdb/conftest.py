import pytest

from cmdb.models import CIClass
from cmdb.services import ci_create
from itsm.actors import system_user as SYSTEM  # noqa: N812


@pytest.fixture(autouse=True)
def _fresh_system_actor():
    """itsm.actors caches the system user's pk; a rolled-back test may hand that pk to
    another user (SQLite reuses it), so each test looks the system user up afresh."""
    from itsm import actors

    actors._system_user_pk.cache_clear()
    yield
    actors._system_user_pk.cache_clear()


@pytest.fixture
def desktop_class(db):
    return CIClass.objects.get(code="desktop")


@pytest.fixture
def make_ci(db, desktop_class):
    counter = {"n": 0}

    def make(*, ci_class=None, **fields):
        counter["n"] += 1
        fields.setdefault("asset_tag", f"T-{counter['n']:05d}")
        fields.setdefault("name", f"设备{counter['n']}")
        if isinstance(ci_class, str):
            ci_class = CIClass.objects.get(code=ci_class)
        return ci_create(actor=SYSTEM(), ci_class=ci_class or desktop_class, **fields)

    return make
