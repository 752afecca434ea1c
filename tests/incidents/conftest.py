import pytest

from incidents import services


@pytest.fixture
def file_order(db, end_user):
    def make(**kwargs):
        kwargs.setdefault("title", "打印机卡纸")
        kwargs.setdefault("description", "三楼打印机卡纸，无法打印")
        return services.work_order_create(
            actor=kwargs.pop("actor", end_user),
            requester=kwargs.pop("requester", end_user),
            **kwargs,
        )

    return make
