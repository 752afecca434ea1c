"""Who sees what in antivirus: one queryset rule per model (lists and objects agree)."""

from django.db.models import Q

from itsm.permissions import RestrictedQuerySet
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

SEES_ALL = (
    Role.SERVICE_DESK,
    Role.ENGINEER,
    Role.SUPERVISOR,
    Role.MANAGER,
    Role.APPROVER,
    Role.ADMIN,
)
WORKS = (Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN)


def sees_all(user) -> bool:
    return user_has_role(user, *SEES_ALL)


def works_antivirus(user) -> bool:
    """Engineers and supervisors run the antivirus process (imports, checks, evaluations)."""
    return user_has_role(user, *WORKS)


class _ByComputerQuerySet(RestrictedQuerySet):
    """Staff see every row; an end user only the rows of computers they are responsible for."""

    computer_path = "ci"

    def _restrict(self, user, action):
        if action == "view":
            if sees_all(user):
                return self
            return self.filter(**{f"{self.computer_path}__responsible": user})
        if action == "change":
            return self if works_antivirus(user) else self.none()
        return self.none()


class EndpointQuerySet(_ByComputerQuerySet):
    pass


class EventQuerySet(_ByComputerQuerySet):
    pass


class StaffOnlyQuerySet(RestrictedQuerySet):
    """Imports, segments, scans, evaluations: staff read them, engineers write them."""

    def _restrict(self, user, action):
        if action == "view":
            return self if sees_all(user) else self.none()
        if action == "change":
            return self if works_antivirus(user) else self.none()
        return self.none()


class ReinstallQuerySet(RestrictedQuerySet):
    """Staff see every request; the user whose computer it is sees theirs."""

    def _restrict(self, user, action):
        if action == "view":
            if sees_all(user):
                return self
            return self.filter(Q(user=user))
        if action == "change":
            return self if works_antivirus(user) else self.none()
        return self.none()
