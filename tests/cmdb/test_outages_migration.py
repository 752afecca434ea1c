"""The data migration that moved emergencies' outages into cmdb.ServiceOutage."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _targets(emergencies: str):
    """Every app at its latest migration except emergencies (the historical models of the
    other apps must match their tables)."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [leaf for leaf in leaves if leaf[0] != "emergencies"] + [("emergencies", emergencies)]


# Not serialized_rollback: its closing flush skips post_migrate, leaving the next
# transactional test without permissions and role groups.
@pytest.mark.django_db(transaction=True)
def test_emergency_outages_are_copied_with_their_emergency_number_and_back():
    BEFORE, AFTER = _targets("0002_team_vendor"), _targets("0003_outages_to_cmdb")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("auth", "User")
    WorkOrder = old.get_model("incidents", "WorkOrder")
    Emergency = old.get_model("emergencies", "Emergency")
    Outage = old.get_model("emergencies", "Outage")
    CIClass = old.get_model("cmdb", "CIClass")
    ConfigurationItem = old.get_model("cmdb", "ConfigurationItem")
    ServiceLevel = old.get_model("servicedesk", "ServiceLevel")
    try:
        boss = User.objects.create(username="boss")
        level = ServiceLevel.objects.first() or ServiceLevel.objects.create(
            code="std", name="标准", response_minutes=120, resolution_minutes=240, rank=1
        )
        order = WorkOrder.objects.create(
            number="D0201-2026101201", title="断网", requester=boss, priority="P1",
            service_level=level, created_by=boss,
        )  # fmt: skip
        emergency = Emergency.objects.create(
            number="D0401-2026101201", title="全楼断网", type="wide_outage", scope="全楼",
            commander=boss, declared_by=boss, work_order=order,
        )  # fmt: skip
        switch = ConfigurationItem.objects.create(
            asset_tag="NET-1",
            name="核心交换机",
            ci_class=CIClass.objects.get_or_create(code="network", defaults={"name": "网络设备"})[
                0
            ],
        )
        start = datetime(2026, 10, 12, 1, tzinfo=UTC)
        Outage.objects.create(emergency=emergency, service=switch, service_name="核心交换机",
                              started_at=start, ended_at=start.replace(hour=3), cause="电源")  # fmt: skip
        Outage.objects.create(emergency=emergency, service_name="办公网", started_at=start)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        ServiceOutage = new.get_model("cmdb", "ServiceOutage")
        rows = list(ServiceOutage.objects.order_by("pk").values_list(
            "service_id", "service_name", "ended_at", "cause", "source", "source_number",
            "recorded_by_id",
        ))  # fmt: skip
        assert rows == [
            (switch.pk, "核心交换机", start.replace(hour=3), "电源", "emergency",
             "D0401-2026101201", boss.pk),
            (None, "办公网", None, "", "emergency", "D0401-2026101201", boss.pk),
        ]  # fmt: skip
        # And back: the rows return to the emergency.
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        assert (
            old.get_model("emergencies", "Outage")
            .objects.filter(emergency__number="D0401-2026101201")
            .count()
            == 2
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
