from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Controlled documents")

    def ready(self):
        from cmdb import device_links
        from itsm import approvals

        from .approvals import document_decisions_pending, handins_pending
        from .device_page import library_panel

        approvals.register("documents", document_decisions_pending)
        approvals.register("technical_handins", handins_pending)
        device_links.register_panel("library", library_panel, order=60)
