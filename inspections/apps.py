from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from itsm import approvals

        from .selectors import decisions_pending

        approvals.register("inspections", decisions_pending)

        # A device's CMDB page lists its inspection records.
        from cmdb import device_links

        from .device_page import inspections_panel

        device_links.register_panel("inspections", inspections_panel, order=30)
