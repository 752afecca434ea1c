from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntivirusConfig(AppConfig):
    name = "antivirus"
    verbose_name = _("Antivirus")

    def ready(self):
        from itsm import approvals

        from .approvals import reinstall_decisions_pending

        approvals.register("antivirus", reinstall_decisions_pending)
