"""P1 (high impact and high urgency) is answered within 30 minutes at every level; the
other priorities keep the contract's per-level targets. Editable in admin."""

from django.db import migrations


def seed(apps, schema_editor):
    ServiceLevel = apps.get_model("servicedesk", "ServiceLevel")
    SlaPolicy = apps.get_model("incidents", "SlaPolicy")
    for level in ServiceLevel.objects.all():
        for priority in ("P1", "P2", "P3", "P4"):
            response = (
                min(level.response_minutes, 30) if priority == "P1" else level.response_minutes
            )
            SlaPolicy.objects.get_or_create(
                service_level=level,
                priority=priority,
                defaults={
                    "response_minutes": response,
                    "resolution_minutes": level.resolution_minutes,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial"), ("servicedesk", "0002_seed_reference_data")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
