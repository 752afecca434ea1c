"""The vendor blacklist: applications (增加/撤销维修商黑名单申请表) approved by 运维部 and
信息中心, and the entries (维修商黑名单) they make or close.

§3.3.4.5: more than 2 nonconformances of a vendor in a month → the supervisor files the
add application; later, fewer than 2 in a month → the removal application. Both bodies
must approve; one refusal rejects. Entries are never deleted: removal stamps the date.
"""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from itsm.actors import system_user
from servicedesk.choices import ApprovalBody
from servicedesk.notifications import notify

from ..choices import ApplicationStatus, BlacklistKind
from ..models import BlacklistApplication, BlacklistDecision, BlacklistEntry, Nonconformance
from ..permissions import application_refusal
from . import _common as c

CONFLICT = _("This application was changed by someone else. Reload it and try again.")
REFUSED = _("An application that is “%(status)s” cannot do this.")
ADD_ABOVE = 2  # "超过2次(不含2次)": the third nonconformance in a month
REMOVE_BELOW = 2  # "少于2次(不含2次)"


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    first = month_start(day)
    return month_start(first - timedelta(days=1))


def _month_nonconformances(vendor, month: date):
    end = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return Nonconformance.objects.filter(
        vendor=vendor, occurred_at__date__gte=month, occurred_at__date__lt=end
    ).order_by("occurred_at")


def _reasons(records) -> str:
    lines = [
        _("%(when)s  %(wo)s  %(reason)s")
        % {
            "when": timezone.localtime(r.occurred_at).strftime("%Y-%m-%d %H:%M"),
            "wo": r.work_order_number,
            "reason": r.reason,
        }
        for r in records
    ]
    return "\n".join(lines)


def blacklist_draft_if_due(*, vendor, at) -> BlacklistApplication | None:
    """After a nonconformance: if the vendor now has more than 2 this calendar month and is
    neither listed nor under an open add application, draft the add application for the
    supervisors with the month's nonconformances as the reasons. Idempotent."""
    month = month_start(timezone.localdate(at))
    records = list(_month_nonconformances(vendor, month))
    if len(records) <= ADD_ABOVE or vendor.active_blacklist_entry() is not None:
        return None
    if BlacklistApplication.objects.filter(
        vendor=vendor, kind=BlacklistKind.ADD, status__in=["draft", "submitted"]
    ).exists():
        return None
    try:
        with transaction.atomic():
            application = BlacklistApplication.objects.create(
                vendor=vendor,
                kind=BlacklistKind.ADD,
                month=month,
                nonconformance_count=len(records),
                reason=_(
                    "%(vendor)s failed verification %(count)s times in %(month)s:\n%(lines)s"
                ) % {"vendor": vendor.name, "count": len(records),
                     "month": month.strftime("%Y-%m"), "lines": _reasons(records)},
                drafted_by_system=True,
            )  # fmt: skip
    except IntegrityError:  # a concurrent verification drafted it first
        return None
    c.log_create(application, system_user(), note=_("Drafted after the third nonconformance."))
    workflow.after_commit(
        notify, recipients=c.supervisors(),
        subject=_("[%(number)s] Blacklist application drafted for %(vendor)s")
        % {"number": application.number, "vendor": vendor.name},
        body=application.reason, url=application.get_absolute_url(),
    )  # fmt: skip
    return application


def blacklist_removal_refusal(vendor, today: date | None = None) -> str:
    """Why a removal application cannot be filed now ("" when it can)."""
    entry = vendor.active_blacklist_entry()
    if entry is None:
        return _("%(vendor)s is not on the blacklist.") % {"vendor": vendor.name}
    month = previous_month(today or timezone.localdate())
    if month <= month_start(entry.listed_on):
        return _("Removal needs a full month after the listing with fewer than 2 nonconformances.")
    count = _month_nonconformances(vendor, month).count()
    if count >= REMOVE_BELOW:
        return _("%(vendor)s had %(count)s nonconformances in %(month)s: not fewer than 2.") % {
            "vendor": vendor.name, "count": count, "month": month.strftime("%Y-%m")}  # fmt: skip
    return ""


@transaction.atomic
def application_create(*, actor, vendor, kind: str, reason: str) -> BlacklistApplication:
    """A supervisor's own application: add (the vendor had more than 2 nonconformances this
    or last month) or remove (a full month since listing with fewer than 2)."""
    workflow.require(application_refusal(actor, None, "create"))
    reason = c.required(reason, "reason", _("Give the reason for the application."))
    today = timezone.localdate()
    if kind == BlacklistKind.REMOVE:
        refusal = blacklist_removal_refusal(vendor, today)
        if refusal:
            raise workflow.IllegalTransition(refusal)
        month = previous_month(today)
    elif kind == BlacklistKind.ADD:
        if vendor.active_blacklist_entry() is not None:
            raise workflow.IllegalTransition(
                _("%(vendor)s is on the blacklist already.") % {"vendor": vendor.name}
            )
        month = max(
            (month_start(today), previous_month(today)),
            key=lambda m: _month_nonconformances(vendor, m).count(),
        )
        if _month_nonconformances(vendor, month).count() <= ADD_ABOVE:
            raise workflow.IllegalTransition(
                _("%(vendor)s has not had more than 2 nonconformances in a month.")
                % {"vendor": vendor.name}
            )
    else:
        raise workflow.IllegalTransition(_("Add or remove?"))
    if BlacklistApplication.objects.filter(
        vendor=vendor, kind=kind, status__in=["draft", "submitted"]
    ).exists():
        raise workflow.IllegalTransition(
            _("An application of this kind for this vendor is open already.")
        )
    application = BlacklistApplication.objects.create(
        vendor=vendor, kind=kind, month=month, reason=reason, prepared_by=actor,
        nonconformance_count=_month_nonconformances(vendor, month).count(),
    )  # fmt: skip
    c.log_create(application, actor)
    return application


@transaction.atomic
def application_update(*, actor, application, lock_version, reason: str) -> BlacklistApplication:
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    workflow.require(application_refusal(actor, application, "edit"))
    application.reason = c.required(reason, "reason", _("Give the reason for the application."))
    application.prepared_by = actor
    workflow.save(application)
    return application


@transaction.atomic
def application_submit(*, actor, application, lock_version) -> BlacklistApplication:
    """The supervisor submits: both bodies' approvers are told."""
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    workflow.require(application_refusal(actor, application, "submit"))
    if not application.prepared_by_id:
        application.prepared_by = actor
    workflow.transition(application, actor=actor, name="submit", method=application.submit,
                        refused=REFUSED, at=timezone.now())  # fmt: skip
    from django.contrib.auth import get_user_model

    approvers = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name="approver", person__approval_body__in=ApprovalBody.values
        )
        .distinct()
    )
    workflow.after_commit(
        notify, recipients=list(approvers),
        subject=_("[%(number)s] Vendor blacklist application to approve") % {"number": application.number},
        body=application.reason, url=application.get_absolute_url(),
    )  # fmt: skip
    return application


@transaction.atomic
def application_discard(*, actor, application, lock_version) -> BlacklistApplication:
    """The supervisor drops a draft (e.g. the system's draft after a disputed record)."""
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    workflow.require(application_refusal(actor, application, "edit"))
    workflow.transition(application, actor=actor, name="discard", method=application.reject,
                        refused=REFUSED, at=timezone.now())  # fmt: skip
    return application


@transaction.atomic
def application_decide(
    *, actor, application, lock_version, approved: bool, note: str = ""
) -> BlacklistApplication:
    """One body's decision. A refusal rejects the application; the second approval applies
    it: the vendor is listed (number, date, reason) or its entry is closed."""
    application = workflow.lock(application, expected=lock_version, conflict=CONFLICT)
    workflow.require(application_refusal(actor, application, "decide"))
    note = (note or "").strip()
    if not approved:
        c.required(note, "note", _("Give the reason for refusing."))
    at = timezone.now()
    BlacklistDecision.objects.create(
        application=application, approval_body=actor.person.approval_body, approved=approved,
        note=note, decided_by=actor, decided_at=at,
    )  # fmt: skip
    if not approved:
        workflow.transition(application, actor=actor, name="reject", method=application.reject,
                            refused=REFUSED, note=note, at=at)  # fmt: skip
    elif set(
        application.decisions.filter(approved=True).values_list("approval_body", flat=True)
    ) >= set(ApprovalBody.values):
        workflow.transition(application, actor=actor, name="approve", method=application.approve,
                            refused=REFUSED, note=note, at=at)  # fmt: skip
        _apply(application, actor)
    else:
        c.log_step(
            application,
            actor,
            "sign",
            note=note or str(ApprovalBody(actor.person.approval_body).label),
        )
        workflow.save(application)
    if application.status != ApplicationStatus.SUBMITTED:
        workflow.after_commit(
            notify, recipients=[application.prepared_by, *c.supervisors()],
            subject=_("[%(number)s] Blacklist application %(status)s")
            % {"number": application.number, "status": application.get_status_display()},
            body=note, url=application.get_absolute_url(),
        )  # fmt: skip
    return application


def _apply(application, actor) -> None:
    today = timezone.localdate()
    if application.kind == BlacklistKind.ADD:
        entry = BlacklistEntry.objects.create(
            vendor=application.vendor, listed_on=today, reason=application.reason,
            application=application,
        )  # fmt: skip
        c.log_create(entry, actor)
    else:
        entry = BlacklistEntry.objects.select_for_update().get(
            vendor=application.vendor, removed_on=None
        )
        entry.removed_on, entry.removal_application = today, application
        entry.save(update_fields=["removed_on", "removal_application", "updated_at"])
