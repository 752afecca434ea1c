from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import roles_sync


@receiver(post_migrate)
def _sync_role_permissions(sender, app_config=None, using="default", **kwargs):
    # post_migrate fires once per app; permissions of all apps exist by the last one,
    # and roles_sync is idempotent, so running it for our own app suffices.
    if app_config is not None and app_config.label == "servicedesk":
        roles_sync()
