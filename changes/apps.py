from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = _("Changes and releases")

    def ready(self):
        from itsm import approvals

        from .approvals import change_decisions_pending, release_decisions_pending

        # The approvals inbox lists CAB slots and release authorisations waiting for a user.
        approvals.register("changes", change_decisions_pending)
        approvals.register("releases", release_decisions_pending)

        # A device's CMDB page lists the changes that touch it.
        from cmdb import device_links

        from .device_page import changes_panel

        device_links.register_panel("changes", changes_panel, order=20)
