import pytest
from django.contrib import admin
from django.urls import reverse

from inspections import services

from .conftest import all_pass

pytestmark = pytest.mark.django_db


def test_every_inspections_model_has_a_working_admin(
    client, admin_user, approved_plan, engineer, devices
):
    route = approved_plan.rounds.get()
    services.record_save(round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0]))
    client.force_login(admin_user)
    models = [m for m in admin.site._registry if m._meta.app_label == "inspections"]
    from django.apps import apps

    assert set(models) == set(apps.get_app_config("inspections").get_models())
    for model in models:
        changelist = reverse(f"admin:inspections_{model._meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, model
        first = model.objects.first()
        if first is not None:
            change = reverse(f"admin:inspections_{model._meta.model_name}_change", args=[first.pk])
            assert client.get(change).status_code == 200, model


def test_a_used_checklist_is_versioned_not_edited(
    client, admin_user, approved_plan, engineer, devices
):
    from inspections.models import ChecklistTemplate

    route = approved_plan.rounds.get()
    record = services.record_save(
        round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0])
    )
    template = record.checklist
    client.force_login(admin_user)
    client.post(
        reverse("admin:inspections_checklisttemplate_changelist"),
        {"action": "new_version", "_selected_action": [template.pk]},
    )
    newest = services.checklist_for(ci_class=template.ci_class)
    assert newest.version == template.version + 1 and newest.items.count() == template.items.count()
    template.refresh_from_db()
    assert not template.is_active and ChecklistTemplate.objects.count() == 2
    assert record.lines.first().text == template.items.order_by("order").first().text
