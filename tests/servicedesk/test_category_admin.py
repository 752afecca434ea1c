"""Issue 16 item 13: the fault categories (问题类型 › 系统类型 › 故障类型) are edited in admin,
each level under the one above it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from servicedesk.choices import CategoryLevel
from servicedesk.models import Category

pytestmark = pytest.mark.django_db


def _inline_management(prefix="children", total=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_admin_lists_the_categories_with_their_paths(client, admin_user):
    client.force_login(admin_user)
    fault = (
        Category.objects.filter(level=CategoryLevel.FAULT_TYPE)
        .select_related("parent__parent")
        .first()
    )
    page = client.get(reverse("admin:servicedesk_category_changelist"))
    assert page.status_code == 200
    assert fault.path() in page.content.decode()
    assert (
        client.get(reverse("admin:servicedesk_category_change", args=[fault.pk])).status_code == 200
    )
    assert client.get(reverse("admin:servicedesk_team_changelist")).status_code == 200


def test_admin_adds_a_fault_type_under_a_system_type(client, admin_user):
    client.force_login(admin_user)
    system = Category.objects.filter(level=CategoryLevel.SYSTEM_TYPE).first()
    response = client.post(
        reverse("admin:servicedesk_category_add"),
        {
            "name": "扫描仪驱动丢失",
            "level": CategoryLevel.FAULT_TYPE,
            "parent": system.pk,
            "sort_order": 9,
            "is_active": "on",
            **_inline_management(),
        },
    )
    assert response.status_code == 302
    assert (
        Category.objects.get(name="扫描仪驱动丢失", parent=system).level == CategoryLevel.FAULT_TYPE
    )


def test_a_level_under_the_wrong_parent_is_refused_with_a_message(client, admin_user):
    client.force_login(admin_user)
    problem_type = Category.objects.filter(level=CategoryLevel.PROBLEM_TYPE).first()
    response = client.post(
        reverse("admin:servicedesk_category_add"),
        {
            "name": "卡纸",
            "level": CategoryLevel.FAULT_TYPE,
            "parent": problem_type.pk,
            "sort_order": 0,
            **_inline_management(),
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    assert not Category.objects.filter(name="卡纸", parent=problem_type).exists()


def test_levels_and_parents_must_agree():
    problem_type = Category.objects.filter(level=CategoryLevel.PROBLEM_TYPE).first()
    with pytest.raises(ValidationError):
        Category(name="x", level=CategoryLevel.PROBLEM_TYPE, parent=problem_type).full_clean()
    with pytest.raises(ValidationError):
        Category(name="x", level=CategoryLevel.SYSTEM_TYPE).full_clean()
    with pytest.raises(ValidationError):  # top-level names are unique too
        Category(name=problem_type.name, level=CategoryLevel.PROBLEM_TYPE).full_clean()
    Category(name="新类型", level=CategoryLevel.SYSTEM_TYPE, parent=problem_type).full_clean()
