from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from . import directory, signals  # noqa: F401  (role permissions after every migrate)

        directory.connect()  # the staff pickers' and on-call banner's caches

        from itsm.auth_backends import user_column

        from .selectors import UNREAD_COLUMN, unread_count_column

        user_column(UNREAD_COLUMN, unread_count_column)  # the bell's count, read with the user
