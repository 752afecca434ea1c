from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .roles import roles_sync


@receiver(post_migrate)
def _sync_role_permissions(sender, app_config=None, using="default", **kwargs):
    # post_migrate fires once per app, and each app's permissions exist only once its
    # own turn has come; syncing on the last project app sees them all.
    if app_config is not None and app_config.label == settings.PROJECT_APPS[-1]:
        roles_sync()
