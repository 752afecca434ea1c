from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self):
        from itsm import approvals

        from .selectors import pending_decisions

        approvals.register("repairs", pending_decisions)
