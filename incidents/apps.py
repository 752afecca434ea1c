from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents")

    def ready(self):
        # Knowledge sits below incidents: it offers a hook, incidents plugs into it.
        from knowledge import drafts

        from .knowledge_drafts import work_order_knowledge_draft

        drafts.register_source("work_order", work_order_knowledge_draft)
