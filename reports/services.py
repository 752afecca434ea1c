"""Every write on reports: generate (idempotent, versioned), confirm, approve, deliver,
the scheduled runs (generation after each period, reminders) and on-demand jobs.

Writes go through `itsm.workflow` (lock → refusal → transition → after-commit side effect);
every service takes `actor` and asks `reports.permissions.report_refusal` first.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from itsm.actors import is_system_user, system_user
from servicedesk.calendar import business_calendar
from servicedesk.choices import Role
from servicedesk.notifications import notify

from . import registry
from .choices import OPEN_STATUSES, JobStatus, ReportStatus
from .due import current_point, due_date
from .models import GenerationJob, Report, ReportDelivery, ReportSetting
from .periods import Period
from .permissions import report_refusal

logger = logging.getLogger(__name__)


def _conflict():
    return _("This report was changed by someone else. Reload it and try again.")


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


# --- settings and due dates ------------------------------------------------------------------


def report_type_get(code: str) -> registry.ReportType:
    report_type = registry.REPORT_TYPES.get(code)
    if report_type is None:
        raise ValidationError(_("Unknown report type “%(type)s”.") % {"type": code}, code="type")
    return report_type


def report_setting_get(code: str) -> ReportSetting:
    """The admin's setting for a report type, created with the registry's defaults."""
    report_type = report_type_get(code)
    setting, _created = ReportSetting.objects.get_or_create(
        type=code, defaults={"due_day": report_type.due_day}
    )
    return setting


def report_settings_all() -> dict[str, ReportSetting]:
    existing = {s.type: s for s in ReportSetting.objects.all()}
    missing = [
        ReportSetting(type=code, due_day=rt.due_day)
        for code, rt in registry.REPORT_TYPES.items()
        if code not in existing
    ]
    if missing:
        ReportSetting.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {s.type: s for s in ReportSetting.objects.all()}
    return existing


def report_due_date(code: str, period: Period, *, setting: ReportSetting | None = None) -> date:
    """The due day from the setting, moved off days off per the business calendar."""
    setting = setting or report_setting_get(code)
    return due_date(
        period,
        due_day=setting.due_day,
        rule=setting.holiday_rule,
        is_working_day=business_calendar().is_working_day,
    )


def report_setting_changed(*, setting: ReportSetting) -> int:
    """Move the due dates of the type's undelivered reports to the edited setting (and
    let the reminders start over for a moved date). Returns how many moved."""
    moved = 0
    for report in Report.objects.filter(
        type=setting.type, status__in=OPEN_STATUSES, preliminary=False
    ).only("pk", "type", "period_kind", "period_start", "period_end", "due_on"):
        due = report_due_date(setting.type, report.period, setting=setting)
        if due != report.due_on:
            Report.objects.filter(pk=report.pk).update(due_on=due, reminded_for=None)
            moved += 1
    return moved


# --- generation ----------------------------------------------------------------------------


def first_data_day() -> date | None:
    """The day the first work order was filed: no report covers a period before it."""
    from incidents.models import WorkOrder

    first = WorkOrder.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else None


def period_validate(
    report_type: registry.ReportType, period: Period, *, preliminary: bool, today: date
) -> None:
    """Refuse a period of the wrong kind, in the future, before any data, or still open
    (an open period only as a preliminary preview)."""
    if period.kind != report_type.period_kind:
        raise ValidationError(
            _("This report covers a %(kind)s: choose a %(kind)s.")
            % {"kind": {"month": _("month"), "quarter": _("quarter"), "year": _("year")}[
                report_type.period_kind
            ]},
            code="kind",
        )  # fmt: skip
    if period.start > today:
        raise ValidationError(
            _("%(period)s has not begun yet: reports cover past periods.")
            % {"period": period.slug},
            code="future",
        )
    first = first_data_day()
    if first is None:
        raise ValidationError(_("There are no work orders yet: nothing to report."), code="empty")
    if period.end < first:
        raise ValidationError(
            _("%(period)s is before any data: the first work order was filed on %(date)s.")
            % {"period": period.slug, "date": first.isoformat()},
            code="before_data",
        )
    if not period.is_closed(today) and not preliminary:
        raise ValidationError(
            _(
                "%(period)s is not over yet. Preview it as a preliminary report, or generate "
                "it after %(end)s."
            )
            % {"period": period.slug, "end": period.end.isoformat()},
            code="open",
        )


def _frozen(sections) -> list[dict]:
    data = [section.to_json() for section in sections]
    # Fail here, not at save: a figure that is not plain JSON would break every renderer.
    return json.loads(json.dumps(data))


def report_generate(
    *,
    type: str,  # noqa: A002 - the report type's code, as everywhere in the contract
    period: Period,
    actor,
    options: dict | None = None,
    preliminary: bool = False,
    regenerate: bool = False,
    today: date | None = None,
    progress=None,
) -> Report:
    """Generate `type` for `period` as a draft and return it.

    Idempotent: while a current version exists (any status but superseded), a rerun or a
    second worker returns it and writes nothing; `regenerate=True` makes version + 1 and
    supersedes the older versions not yet delivered (they stay in the archive). A final
    report replaces a preliminary preview of the same period. If a section builder fails
    nothing is written (the previous version stays current) and a ValidationError says why.
    """
    workflow.require(report_refusal(actor, None, "generate"))
    report_type = report_type_get(type)
    today = today or timezone.localdate()
    preliminary = bool(preliminary) and not period.is_closed(today)
    period_validate(report_type, period, preliminary=preliminary, today=today)

    def wanted(current: Report | None) -> bool:
        return current is None or regenerate or (current.preliminary and not preliminary)

    current = _current(type, period)
    if not wanted(current):
        return current
    build_options = {**(options or {}), "preliminary": preliminary}
    try:
        data = _frozen(
            registry.build_sections(report_type, period, options=build_options, progress=progress)
        )
    except Exception as exc:
        logger.exception("report %s for %s failed to build", type, period.slug)
        raise ValidationError(
            _(
                "The report could not be generated (%(error)s). Nothing was saved; the "
                "previous version is kept."
            )
            % {"error": f"{exc.__class__.__name__}: {exc}"},
            code="build",
        ) from exc
    setting = report_setting_get(type)
    now = timezone.now()
    with transaction.atomic():
        rows = list(Report.objects.select_for_update().filter(type=type, period_start=period.start))
        current = max(
            (r for r in rows if r.status != ReportStatus.SUPERSEDED),
            key=lambda r: r.version,
            default=None,
        )
        if not wanted(current):
            return current  # another worker finished first
        for old in rows:
            if old.status in OPEN_STATUSES:
                workflow.transition(
                    old, actor=actor, name="supersede", method=old.supersede, at=now,
                    refused=_("A report that is “%(status)s” cannot be superseded."),
                )  # fmt: skip
        report = Report(
            type=type,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            version=max((r.version for r in rows), default=0) + 1,
            preliminary=preliminary,
            data=data,
            options={k: v for k, v in (options or {}).items() if k != "preliminary"},
            due_on=report_due_date(type, period, setting=setting),
            generated_at=now,
            generated_by=actor,
        )
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # The same version was written by a parallel run between our read and insert.
            return _current(type, period)
    report.just_created = True
    return report


def _current(code: str, period: Period) -> Report | None:
    return (
        Report.objects.filter(type=code, period_start=period.start)
        .exclude(status=ReportStatus.SUPERSEDED)
        .order_by("-version")
        .first()
    )


# --- sign-off and delivery -------------------------------------------------------------------


def report_confirm(*, report: Report, actor, lock_version: int | None) -> Report:
    """The 服务主管 confirms the draft (the reporter's line is the generator's)."""
    with transaction.atomic():
        report = workflow.lock(report, expected=lock_version, conflict=_conflict())
        workflow.require(report_refusal(actor, report, "confirm"))
        workflow.transition(
            report, actor=actor, name="confirm", method=report.confirm,
            by=actor, at=timezone.now(),
            refused=_("A report that is “%(status)s” cannot be confirmed."),
        )  # fmt: skip
    return report


def report_approve(*, report: Report, actor, lock_version: int | None) -> Report:
    """The client's 运维部 / 信息中心 approves a confirmed report (types that need it)."""
    from .permissions import approval_body

    with transaction.atomic():
        report = workflow.lock(report, expected=lock_version, conflict=_conflict())
        workflow.require(report_refusal(actor, report, "approve"))
        workflow.transition(
            report, actor=actor, name="approve", method=report.approve,
            by=actor, at=timezone.now(), body=approval_body(actor),
            refused=_("A report that is “%(status)s” cannot be approved."),
        )  # fmt: skip
    return report


def report_deliver(
    *, report: Report, actor, lock_version: int | None, by_hand: bool = False
) -> Report:
    """Mark the report delivered and mail it with its PDF to the type's recipients once
    committed (one mail per recipient, so a bad address does not stop the others).
    `by_hand`: handed over in person (on paper), recorded without mail."""
    from . import tasks

    with transaction.atomic():
        report = workflow.lock(report, expected=lock_version, conflict=_conflict())
        workflow.require(report_refusal(actor, report, "deliver"))
        setting = report_setting_get(report.type)
        if not by_hand and not (setting.address_list or setting.recipients.exists()):
            raise ValidationError(
                _(
                    "No recipients are configured for this report type: add them under "
                    "Report settings in admin, or record a delivery in person."
                ),
                code="recipients",
            )
        workflow.transition(
            report, actor=actor, name="deliver", method=report.deliver,
            by=actor, at=timezone.now(),
            note=_("Handed over in person") if by_hand else "",
            refused=_("A report that is “%(status)s” cannot be delivered."),
        )  # fmt: skip
        if by_hand:
            ReportDelivery.objects.create(report=report, by_hand=True, sent_at=report.delivered_at)
        else:
            workflow.after_commit(tasks.report_mail.delay, report.pk)
    return report


def report_resend(*, report: Report, actor) -> Report:
    """Mail a delivered report again to the recipients it has not reached (after an
    address was corrected or the mail server came back); those reached get nothing."""
    from . import tasks

    workflow.require(report_refusal(actor, report, "resend"))
    workflow.after_commit(tasks.report_mail.delay, report.pk)
    return report


# --- scheduled work --------------------------------------------------------------------------


def reports_generate_scheduled(*, today: date | None = None, kinds=None) -> dict[str, str]:
    """Generate, as drafts, every enabled report type for the period that ended last
    (e.g. on 1 November: October's monthly reports). Idempotent: a rerun finds them."""
    today = today or timezone.localdate()
    actor = system_user()
    settings = report_settings_all()
    result = {}
    for code, report_type in registry.REPORT_TYPES.items():
        if kinds and report_type.period_kind not in kinds:
            continue
        if not settings[code].enabled:
            result[code] = "disabled"
            continue
        period = Period.containing(report_type.period_kind, today).previous()
        try:
            report = report_generate(type=code, period=period, actor=actor, today=today)
        except ValidationError as exc:
            logger.warning("scheduled report %s %s skipped: %s", code, period.slug, exc.messages)
            result[code] = "skipped: " + " ".join(exc.messages)
            continue
        result[code] = ("created " if getattr(report, "just_created", False) else "exists ") + (
            report.number
        )
    return result


def _supervisors():
    return list(
        get_user_model()
        .objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
        .select_related("person")
        .distinct()
    )


def reports_remind(*, today: date | None = None) -> int:
    """Remind the reporter and the supervisors of reports not delivered by their due day:
    `reminder_days` ahead and on the due day, once per point (a conditional UPDATE claims
    the point, so a rerun or a second worker sends nothing twice). Returns reminders sent."""
    today = today or timezone.localdate()
    settings = report_settings_all()
    horizon = max((s.reminder_days for s in settings.values()), default=0)
    candidates = (
        Report.objects.filter(
            status__in=OPEN_STATUSES,
            preliminary=False,
            due_on__isnull=False,
            due_on__lte=today + timedelta(days=horizon),
        )
        .select_related("generated_by")
        .order_by("due_on", "pk")
    )
    supervisors, sent = None, 0
    for report in candidates:
        point = current_point(report.due_on, settings[report.type].reminder_days, today)
        if point is None or report.reminded_for == point:
            continue
        claimed = (
            Report.objects.filter(pk=report.pk, status__in=OPEN_STATUSES)
            .filter(Q(reminded_for__isnull=True) | Q(reminded_for__lt=point))
            .update(reminded_for=point)
        )
        if not claimed:
            continue
        if supervisors is None:
            supervisors = _supervisors()
        reporter = None if is_system_user(report.generated_by) else report.generated_by
        overdue = today > report.due_on
        subject = (
            _("[%(number)s] Overdue: %(type)s for %(period)s was due on %(due)s")
            if overdue
            else _("[%(number)s] %(type)s for %(period)s is due on %(due)s")
        ) % {
            "number": report.number,
            "type": report.type_title,
            "period": report.period.slug,
            "due": report.due_on.isoformat(),
        }
        notify(
            recipients=[reporter, *supervisors],
            subject=subject,
            body=_("Status: %(status)s. Confirm and deliver it in the report archive.")
            % {"status": report.get_status_display()},
            url=report.get_absolute_url(),
        )
        sent += 1
    return sent


# --- on-demand generation -------------------------------------------------------------------


def generation_job_create(
    *,
    actor,
    type: str,  # noqa: A002
    period: Period,
    preliminary: bool = False,
    regenerate: bool = False,
    options: dict | None = None,
    today: date | None = None,
) -> GenerationJob:
    """Check the request now (the form shows the message at once) and queue the build."""
    from . import tasks

    workflow.require(report_refusal(actor, None, "generate"))
    report_type = report_type_get(type)
    today = today or timezone.localdate()
    period_validate(report_type, period, preliminary=preliminary, today=today)
    job = GenerationJob.objects.create(
        type=type,
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        preliminary=preliminary,
        regenerate=regenerate,
        options=options or {},
        requested_by=actor,
    )
    workflow.after_commit(tasks.report_generation_run.delay, job.pk)
    return job


def generation_job_run(*, job_pk: int) -> GenerationJob | None:
    """Run a queued job (claimed with a conditional UPDATE: a second worker does nothing),
    recording progress, the report made, or the error."""
    claimed = GenerationJob.objects.filter(pk=job_pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, progress=1
    )
    if not claimed:
        return None
    job = GenerationJob.objects.select_related("requested_by").get(pk=job_pk)

    def progress(done: int, total: int) -> None:
        # The last tenth is saving; the bar reaches 100 only when the report exists.
        GenerationJob.objects.filter(pk=job.pk).update(progress=max(1, done * 90 // total))

    fields = {"finished_at": timezone.now()}
    try:
        report = report_generate(
            type=job.type,
            period=job.period,
            actor=job.requested_by,
            options=job.options,
            preliminary=job.preliminary,
            regenerate=job.regenerate,
            progress=progress,
        )
    except ValidationError as exc:
        fields.update(status=JobStatus.FAILED, message=" ".join(exc.messages))
    except Exception as exc:  # logged; the page shows it instead of spinning for ever
        logger.exception("report generation job %s failed", job.pk)
        fields.update(
            status=JobStatus.FAILED,
            message=_("The report could not be generated (%(error)s).")
            % {"error": exc.__class__.__name__},
        )
    else:
        fields.update(status=JobStatus.DONE, progress=100, report=report)
        if not getattr(report, "just_created", False):
            fields["message"] = _(
                "This report existed already (%(number)s); tick “new version” to regenerate it."
            ) % {"number": report.number}
    GenerationJob.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


JOB_HAND_OFF_GRACE = timedelta(minutes=2)
JOB_RUNNING_LIMIT = timedelta(minutes=30)


def generation_jobs_sweep(*, now=None) -> dict[str, int]:
    """Beat: hand queued jobs whose hand-off to Celery was lost (broker down at the time)
    to a worker again, and fail jobs a killed worker left running, so no page polls for
    ever. Re-queueing is safe: `generation_job_run` claims a job once."""
    from . import tasks

    now = now or timezone.now()
    stale = GenerationJob.objects.filter(
        status=JobStatus.RUNNING, created_at__lt=now - JOB_RUNNING_LIMIT
    ).update(
        status=JobStatus.FAILED,
        finished_at=now,
        message=_("The generation stopped (the worker was interrupted). Generate it again."),
    )
    queued = list(
        GenerationJob.objects.filter(
            status=JobStatus.QUEUED, created_at__lt=now - JOB_HAND_OFF_GRACE
        ).values_list("pk", flat=True)
    )
    for pk in queued:
        tasks.report_generation_run.delay(pk)
    return {"requeued": len(queued), "failed": stale}
