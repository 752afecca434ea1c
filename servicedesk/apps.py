from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from . import directory, signals  # noqa: F401  (role permissions after every migrate)

        directory.connect()  # the staff pickers' and on-call banner's caches
