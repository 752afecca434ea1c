from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergenciesConfig(AppConfig):
    name = "emergencies"
    verbose_name = _("Emergencies")

    def ready(self):
        from itsm import approvals

        from .approvals import emergency_decisions_pending, facility_incidents_pending

        approvals.register("emergencies", emergency_decisions_pending)
        approvals.register("emergencies-facilities", facility_incidents_pending)
