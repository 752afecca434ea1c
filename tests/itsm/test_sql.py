"""itsm.sql: fixed subqueries written once from the models' metadata (issue 17)."""

import pytest
from django.contrib.auth import get_user_model

from incidents import services
from incidents.models import WorkOrder
from itsm.sql import names_array, reverse_count, reverse_exists

pytestmark = pytest.mark.django_db


def test_exists_and_counts_answer_booleans_and_numbers_per_row(end_user, agent):
    from servicedesk.notifications import notify

    first = services.work_order_create(actor=end_user, requester=end_user, title="打印机卡纸")
    second = services.work_order_create(actor=end_user, requester=end_user, title="无法开机")
    services.work_order_comment(work_order=second, actor=agent, body="已到现场")
    rows = WorkOrder.objects.annotate(has=reverse_exists(WorkOrder, "events")).order_by("pk")
    assert [row.has for row in rows] == [True, True]
    rows = WorkOrder.objects.annotate(has=reverse_exists(WorkOrder, "attachments"))
    assert {row.has for row in rows} == {False}  # a bool, not 0: has_none tests `is False`
    counted = dict(
        WorkOrder.objects.annotate(n=reverse_count(WorkOrder, "events")).values_list("pk", "n")
    )
    assert counted[second.pk] == counted[first.pk] + 1

    for i in range(5):
        notify(recipients=[agent], subject=f"通知{i}", mail=False)
    agent.notifications.filter(pk=agent.notifications.order_by("pk").first().pk).update(
        read_at=agent.date_joined
    )
    user_model = get_user_model()
    unread = user_model.objects.annotate(
        all=reverse_count(user_model, "notifications", unset="read_at"),
        capped=reverse_count(user_model, "notifications", unset="read_at", cap=3),
    ).get(pk=agent.pk)
    assert (unread.all, unread.capped) == (4, 3)


def test_group_names_with_none_and_with_some(end_user, make_person):
    user_model = get_user_model()
    nobody = make_person()
    nobody.groups.clear()
    rows = user_model.objects.annotate(names=names_array(user_model))
    assert rows.get(pk=nobody.pk).names in (None, "[]")
    assert "end_user" in str(rows.get(pk=end_user.pk).names)


def test_only_reverse_foreign_keys_are_accepted():
    with pytest.raises(ValueError):
        reverse_exists(WorkOrder, "requester")  # a forward ForeignKey
    with pytest.raises(ValueError):
        reverse_count(get_user_model(), "groups")  # many-to-many
