from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = _("ITSM core")

    def ready(self):
        from django.apps import apps

        from . import navigation

        navigation.connect()

        # django-axes names its app after itself ("AXES" in the Chinese admin); its and
        # auditlog's model and field names are translated in the project catalogue.
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login protection")
