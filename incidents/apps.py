from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        # Knowledge sits below incidents: it offers a hook, incidents plugs into it.
        from knowledge import drafts

        from .knowledge_drafts import work_order_knowledge_draft

        drafts.register_source("work_order", work_order_knowledge_draft)

        # A device's CMDB page lists its work orders; its field edits name a work order.
        from cmdb import device_links

        from .device_page import (
            device_faults,
            work_order_record,
            work_order_resolve,
            work_orders_panel,
        )

        device_links.register_panel("work_orders", work_orders_panel, order=10)
        device_links.register_work_orders(resolve=work_order_resolve, record=work_order_record)
        # Ageing devices count a device's faults in its work orders.
        device_links.register_fault_counts(device_faults)

        # The desk's review of the engineers' service records waits in the approvals inbox.
        from itsm import approvals

        from .service_records.approvals import service_records_to_review

        approvals.register("incidents", service_records_to_review)
