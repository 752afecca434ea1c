"""Reports waiting for the viewer's signature, for the approvals inbox: drafts for the
服务主管 to confirm, confirmed reports for the client's 运维部 / 信息中心 to approve.
Two queries, from the same rules as the report page."""

from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision
from servicedesk.roles import user_has_role

from .choices import ReportStatus
from .models import Report
from .permissions import CONFIRMERS, approval_body


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def report_decisions_pending(user):
    found = []
    if user_has_role(user, *CONFIRMERS):
        drafts = (
            Report.objects.restrict(user, "confirm")
            .filter(status=ReportStatus.DRAFT, preliminary=False)
            .select_related("generated_by__person")
            .defer("data")
        )
        for report in drafts:
            found.append(_decision(report, _("Report to confirm"), report.generated_at))
    if approval_body(user):
        confirmed = (
            Report.objects.restrict(user, "approve")
            .filter(status=ReportStatus.CONFIRMED)
            .select_related("generated_by__person")
            .defer("data")
        )
        for report in confirmed:
            found.append(_decision(report, _("Report to approve"), report.confirmed_at))
    return found


def _decision(report, kind, since):
    return PendingDecision(
        process="reports",
        kind=kind,
        number=report.number,
        title=f"{report.type_title} {report.period.slug}",
        requested_by=_name(report.generated_by),
        since=since or report.generated_at,
        url=report.get_absolute_url(),
    )
