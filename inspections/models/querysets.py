"""One rule per model for who may see and do what (itsm.permissions.RestrictedQuerySet).

Lists call `restrict(user, action)`; single objects `permits(user, obj, action)`, from the
same filter, so the two cannot disagree.
"""

from django.db.models import Exists, OuterRef, Q

from itsm.permissions import RestrictedQuerySet

from .. import rules
from ..choices import ApprovalStatus, DiscrepancyStatus


def _plan_engineer(user, plan_ref: str = "pk"):
    """The plan (at `plan_ref` of the outer row) names `user` among its engineers."""
    from .plans import InspectionPlan

    through = InspectionPlan.engineers.through
    return Exists(through.objects.filter(inspectionplan_id=OuterRef(plan_ref), user_id=user.pk))


class PlanQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        if action == "view":
            if rules.reads_drafts(user):
                return self
            if rules.is_reader(user):
                return self.filter(submitted_at__isnull=False)
            return self.none()
        if action == "change":  # edit, submit, plan the routes
            if rules.is_manager(user):
                return self.filter(status=ApprovalStatus.DRAFT)
            if rules.is_author(user):
                return self.filter(status=ApprovalStatus.DRAFT).filter(
                    Q(drafted_by=user) | _plan_engineer(user)
                )
            return self.none()
        if action == "approve":
            statuses = rules.statuses_user_signs(user)
            return self.filter(status__in=statuses) if statuses else self.none()
        if action == "inspect":  # walk its rounds and record
            if rules.is_manager(user):
                return self.filter(status=ApprovalStatus.APPROVED)
            if rules.is_author(user):
                return self.filter(status=ApprovalStatus.APPROVED).filter(_plan_engineer(user))
            return self.none()
        return self.none()


class ReportQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        if action == "view":
            if rules.reads_drafts(user):
                return self
            if rules.is_reader(user):
                return self.filter(submitted_at__isnull=False)
            return self.none()
        if action == "change":
            drafts = self.filter(status=ApprovalStatus.DRAFT)
            if rules.is_manager(user):
                return drafts
            if rules.is_author(user):
                return drafts.filter(Q(written_by=user) | _plan_engineer(user, "plan_id"))
            return self.none()
        if action == "approve":
            statuses = rules.statuses_user_signs(user)
            return self.filter(status__in=statuses) if statuses else self.none()
        return self.none()


class RecordQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        if action == "view":
            return self if rules.is_reader(user) else self.none()
        if action == "change":
            if rules.is_manager(user):
                return self.filter(locked=False)
            if rules.is_author(user):
                return self.filter(locked=False, engineer=user)
            return self.none()
        return self.none()


class DiscrepancyQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        if action == "view":
            return self if rules.is_reader(user) else self.none()
        if action == "decide":
            if rules.user_has_role(user, *rules.CONFIGURATION_MANAGER_ROLES):
                return self.filter(status=DiscrepancyStatus.OPEN)
            return self.none()
        return self.none()


class FacilityQuerySet(RestrictedQuerySet):
    """Facilities and their checks: engineers and supervisors record, readers read."""

    def _restrict(self, user, action):
        if action == "view":
            return self if rules.is_reader(user) else self.none()
        if action == "check":
            return self if rules.is_author(user) else self.none()
        return self.none()


class BackupQuerySet(RestrictedQuerySet):
    """Backup plans: readers read; engineers record runs and restore tests of the plans
    they are responsible for, supervisors and admins of every plan."""

    def _restrict(self, user, action):
        if action == "view":
            return self if rules.is_reader(user) else self.none()
        if action == "record":
            if rules.is_manager(user):
                return self
            if rules.is_author(user):
                return self.filter(responsible=user)
            return self.none()
        return self.none()
