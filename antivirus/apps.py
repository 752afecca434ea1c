from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntivirusConfig(AppConfig):
    name = "antivirus"
    verbose_name = _("Antivirus")
