from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from itsm import approvals

        from . import dashboard_cache
        from .approvals import report_decisions_pending

        approvals.register("reports", report_decisions_pending)
        dashboard_cache.connect()
