from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Controlled documents")

    def ready(self):
        from itsm import approvals

        from .approvals import document_decisions_pending

        approvals.register("documents", document_decisions_pending)
