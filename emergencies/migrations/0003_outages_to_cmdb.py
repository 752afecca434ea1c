"""Outages move to one table owned by cmdb (cmdb.ServiceOutage), which incidents and the
supervisor also write; every emergency outage is copied there with its emergency's number
as the source, then the old table is dropped."""

from django.db import migrations


def copy_outages(apps, schema_editor):
    Outage = apps.get_model("emergencies", "Outage")
    ServiceOutage = apps.get_model("cmdb", "ServiceOutage")
    ServiceOutage.objects.bulk_create(
        ServiceOutage(
            service_id=outage.service_id,
            service_name=outage.service_name,
            started_at=outage.started_at,
            ended_at=outage.ended_at,
            cause=outage.cause,
            source="emergency",
            source_number=outage.emergency.number,
            recorded_by_id=outage.emergency.declared_by_id,
        )
        for outage in Outage.objects.select_related("emergency").order_by("pk")
    )


def copy_back(apps, schema_editor):
    Outage = apps.get_model("emergencies", "Outage")
    Emergency = apps.get_model("emergencies", "Emergency")
    ServiceOutage = apps.get_model("cmdb", "ServiceOutage")
    emergencies = {e.number: e.pk for e in Emergency.objects.only("pk", "number")}
    Outage.objects.bulk_create(
        Outage(
            emergency_id=emergencies[row.source_number],
            service_id=row.service_id,
            service_name=row.service_name,
            started_at=row.started_at,
            ended_at=row.ended_at,
            cause=row.cause,
        )
        for row in ServiceOutage.objects.filter(source="emergency")
        if row.source_number in emergencies
    )


class Migration(migrations.Migration):
    dependencies = [
        ("emergencies", "0002_team_vendor"),
        ("cmdb", "0005_service_outages_and_windows"),
    ]

    operations = [
        migrations.RunPython(copy_outages, copy_back),
        migrations.DeleteModel(name="Outage"),
    ]
