"""One source per model for who may see and do what.

Each process model gets a queryset class deriving from `RestrictedQuerySet` and implements
`_restrict(user, action)`: the rows `user` may `action` ("view", "change", "approve", …),
as a filter on the queryset. Lists call `Model.objects.restrict(user, "view")`; a single
object is checked by `permits(user, obj, action)`, which asks the same queryset for that
row, so the list and the object check cannot disagree (NetBox's `restrict(user, action)`
is the model for this, written anew here).

Beside it, each action that can be refused has one refusal function in the app's
`permissions.py`, `<thing>_refusal(user, obj, action) -> str` ("" when allowed), which the
page calls to show a button or say why not, and the service calls (through
`itsm.workflow.require`) to refuse. Refusals that depend only on visibility derive from
`permits`.

There is no "no user" shortcut: `restrict(None, …)` raises. Scheduled jobs act as the
system actor (`itsm.actors.system_user()`), which may do everything.
"""

from __future__ import annotations

from django.db import models

from .actors import is_system_user


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """The rows of this queryset that `user` may `action`."""
        if user is None:
            raise TypeError("restrict() needs the acting user; system jobs pass system_user()")
        if is_system_user(user):
            return self
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
            return self.none()
        if user.is_superuser:
            return self
        return self._restrict(user, action)

    def _restrict(self, user, action: str):  # pragma: no cover - each model says
        raise NotImplementedError(f"{self.model.__name__} says who may {action} it")


def permits(user, obj, action: str = "view") -> bool:
    """May `user` `action` this object? The same rule as the lists (one query)."""
    if obj is None or obj.pk is None:
        return False
    manager = type(obj)._default_manager
    return manager.all().restrict(user, action).filter(pk=obj.pk).exists()
