import pytest

from incidents import services


@pytest.fixture
def file_order(db, end_user):
    def make(**kwargs):
        from incidents.choices import Level3
        from itsm.actors import system_user

        if kwargs.get("impact", Level3.LOW) != Level3.LOW and "actor" not in kwargs:
            kwargs["actor"] = system_user()  # the impact is the staff's assessment
        kwargs.setdefault("title", "打印机卡纸")
        kwargs.setdefault("description", "三楼打印机卡纸，无法打印")
        return services.work_order_create(
            actor=kwargs.pop("actor", end_user),
            requester=kwargs.pop("requester", end_user),
            **kwargs,
        )

    return make
