"""Technical documents handed in (plan §6.3.6, §6.3.1): engineers hand in a technical
document every week and the team its technical monthly report; the supervisor reviews
the report and, accepting it, enters it into the knowledge base (knowledge.services).
Reminders come from one idempotent scan (documents.tasks.document_reminders)."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from knowledge import permissions as knowledge_permissions
from knowledge import selectors as knowledge_selectors
from knowledge import services as knowledge_services
from knowledge.choices import Audience
from servicedesk.choices import Role
from servicedesk.notifications import notify, notify_many

from .. import files, handin_periods, permissions
from ..choices import OWED, HandInKind, HandInStatus
from ..models import HandInDuty, TechnicalHandIn
from .common import _name, _today

# The engineer hears of a hand-in this many days before it is due.
HANDIN_REMIND_DAYS = 2

CONFLICT = gettext_lazy(
    "This hand-in was changed by someone else. Please reload the page and try again."
)
_REFUSED = gettext_lazy("A hand-in that is “%(status)s” cannot be %(action)s.")


def _reviewers():
    return list(
        get_user_model()
        .objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
        .distinct()
        .order_by("pk")
    )


def handin_for(*, duty: HandInDuty, period_start: date) -> TechnicalHandIn:
    """The period's row, or an unsaved one (status "due") when nobody touched it yet."""
    found = TechnicalHandIn.objects.filter(duty=duty, period_start=period_start).first()
    if found is not None:
        found.duty = duty
        return found
    return TechnicalHandIn(duty=duty, period_start=period_start, due_on=duty.due_on(period_start))


def _knowledge_record(actor, number: str):
    """The record `number` names as typed, or in upper case (codes are D0303…); 404 when
    `actor` may not open it."""
    try:
        return knowledge_selectors.record_get(user=actor, number=number)
    except Http404:
        return knowledge_selectors.record_get(user=actor, number=number.upper())


def _period_check(duty: HandInDuty, period_start: date) -> None:
    if not handin_periods.is_period_start(duty.kind, period_start):
        raise ValidationError(_("That is not the start of a period of this duty."), code="period")
    if period_start < handin_periods.period_start(duty.kind, duty.starts_on):
        raise ValidationError(_("This duty starts later; nothing is due then."), code="period")
    if period_start > handin_periods.period_start(duty.kind, _today()):
        raise ValidationError(_("That period has not begun yet."), code="period")


def _ensure_row(duty: HandInDuty, period_start: date) -> TechnicalHandIn:
    """The period's row, created if missing (unique per duty and period, so two hand-ins
    at once find the same row; the caller locks it)."""
    TechnicalHandIn.objects.bulk_create(
        [TechnicalHandIn(duty=duty, period_start=period_start, due_on=duty.due_on(period_start))],
        ignore_conflicts=True,
    )
    return TechnicalHandIn.objects.get(duty=duty, period_start=period_start)


@transaction.atomic
def handin_submit(
    *,
    actor,
    duty: HandInDuty,
    period_start: date,
    title: str,
    summary: str = "",
    file=None,
    link: str = "",
    knowledge_number: str = "",
    lock_version: int | None = None,
) -> TechnicalHandIn:
    """Hand in (or replace) the document of one period of `duty`.

    It is a file, a link or a knowledge record (at least one); a monthly report needs a
    summary, which becomes the knowledge record when it is accepted. A weekly document is
    received at once; a monthly report waits for the supervisor's review.
    """
    _period_check(duty, period_start)
    probe = handin_for(duty=duty, period_start=period_start)
    permissions.require(permissions.handin_refusal(actor, probe, "hand_in"))
    errors = {}
    title, summary, link = (title or "").strip(), (summary or "").strip(), (link or "").strip()
    knowledge_number = (knowledge_number or "").strip()
    if not title:
        errors["title"] = _("Give the document a title.")
    if duty.kind == HandInKind.MONTHLY and not summary:
        errors["summary"] = _(
            "Summarise the month's technical findings: accepted, this text enters the "
            "knowledge base."
        )
    if file is None and not link and not knowledge_number and not probe.file:
        errors["file"] = _("Upload the document, give a link, or name a knowledge record.")
    if file is not None:
        try:
            files.file_validate(file)
        except ValidationError as exc:
            errors["file"] = exc.messages[0]
    if knowledge_number:
        try:
            record = _knowledge_record(actor, knowledge_number)
        except Http404:
            errors["knowledge_number"] = _("No knowledge record %(number)s that you can open.") % {
                "number": knowledge_number
            }
        else:
            knowledge_number = record.number
    if errors:
        raise ValidationError(errors)
    handin = _ensure_row(duty, period_start)
    handin = workflow.lock(handin, expected=lock_version if probe.pk else None, conflict=CONFLICT)
    handin.duty = duty
    permissions.require(permissions.handin_refusal(actor, handin, "hand_in"))
    handin.title, handin.summary, handin.link = title, summary, link
    handin.knowledge_record_number = knowledge_number
    if file is not None:
        files.file_store(handin, file)
    workflow.transition(
        handin,
        actor=actor,
        name="hand_in",
        method=handin.hand_in,
        refused=str(_REFUSED) % {"status": "%(status)s", "action": _("handed in")},
        by=actor,
        at=timezone.now(),
        kind=duty.kind,
    )
    if handin.status == HandInStatus.SUBMITTED:
        notify(
            recipients=_reviewers(),
            subject=_("Technical monthly report to review: %(what)s")
            % {"what": f"{_name(actor)} {handin.period_label}"},
            body=title,
            url=handin.get_absolute_url(),
        )
    return handin


def _review_lock(handin, actor, lock_version):
    handin = workflow.lock(handin, expected=lock_version, conflict=CONFLICT)
    handin.duty = HandInDuty.objects.select_related("assignee__person").get(pk=handin.duty_id)
    permissions.require(permissions.handin_refusal(actor, handin, "review"))
    return handin


@transaction.atomic
def handin_accept(
    *, actor, handin: TechnicalHandIn, note: str = "", lock_version: int | None = None
) -> TechnicalHandIn:
    """Accept a monthly report and enter it into the knowledge base: a knowledge record
    (internal, for IT staff) with the report's summary, written through the knowledge
    services and published at once when the reviewer is the knowledge curator."""
    handin = _review_lock(handin, actor, lock_version)
    duty = handin.duty
    team = f" ({duty.team})" if duty.team_id else ""
    related = [number for number in (handin.knowledge_record_number,) if number]
    record = knowledge_services.record_create(
        actor=actor,
        title=_("Technical monthly report %(month)s%(team)s: %(title)s")
        % {"month": handin.period_label, "team": team, "title": handin.title},
        symptom="",
        solution=handin.summary,
        related_numbers="\n".join(related),
        audience=Audience.INTERNAL,
    )
    if knowledge_permissions.can_curate(actor):
        record = knowledge_services.record_review(record=record, actor=actor, note=handin.title)
        record = knowledge_services.record_publish(record=record, actor=actor)
    workflow.transition(
        handin,
        actor=actor,
        name="accept",
        method=handin.accept,
        refused=str(_REFUSED) % {"status": "%(status)s", "action": _("accepted")},
        note=record.number,
        by=actor,
        at=timezone.now(),
        review_note=(note or "").strip(),
        record_number=record.number,
    )
    notify(
        recipients=[duty.assignee],
        subject=_(
            "Your technical monthly report %(month)s was entered into the knowledge base as %(number)s"
        )
        % {"month": handin.period_label, "number": record.number},
        url=handin.get_absolute_url(),
    )
    return handin


@transaction.atomic
def handin_return(
    *, actor, handin: TechnicalHandIn, note: str, lock_version: int | None = None
) -> TechnicalHandIn:
    """Send a monthly report back for rework, saying what is missing; the engineer hands
    it in again (and is reminded while it is owed)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what the report is missing.")})
    handin = _review_lock(handin, actor, lock_version)
    workflow.transition(
        handin,
        actor=actor,
        name="return",
        method=handin.send_back,
        refused=str(_REFUSED) % {"status": "%(status)s", "action": _("returned")},
        note=note,
        by=actor,
        at=timezone.now(),
        review_note=note,
    )
    notify(
        recipients=[handin.duty.assignee],
        subject=_("Your technical monthly report %(month)s was returned for rework")
        % {"month": handin.period_label},
        body=note,
        url=handin.get_absolute_url(),
    )
    return handin


def handin_scan(*, actor, today: date | None = None) -> dict:
    """Remind engineers of hand-ins due soon, and of late ones (them and the supervisors).

    For each active duty the current and the previous period get their row (unique per
    duty and period, so reruns add none); a row still owed is claimed with a conditional
    UPDATE (`reminded_for` = its due date; `late_reminded`), so each reminder goes out
    once however often the scan runs. `actor` is the system actor of the beat job.
    """
    workflow.require(permissions.role_refusal(actor, "review_handins"))
    today = today or _today()
    duties = list(HandInDuty.objects.filter(active=True, starts_on__lte=today))
    new_rows = []
    for duty in duties:
        current = handin_periods.period_start(duty.kind, today)
        for start in (handin_periods.previous_period(duty.kind, current), current):
            if start >= handin_periods.period_start(duty.kind, duty.starts_on):
                new_rows.append(
                    TechnicalHandIn(duty=duty, period_start=start, due_on=duty.due_on(start))
                )
    TechnicalHandIn.objects.bulk_create(new_rows, ignore_conflicts=True, batch_size=500)
    owed = TechnicalHandIn.objects.filter(status__in=OWED, duty__active=True).select_related(
        "duty__assignee__person", "duty__team"
    )
    reviewers = _reviewers()
    messages, reminded = [], 0
    with transaction.atomic():
        soon = owed.filter(
            due_on__gte=today, due_on__lte=today + timedelta(days=HANDIN_REMIND_DAYS)
        )
        for row in soon.exclude(reminded_for=F("due_on")).order_by("due_on", "pk")[:1000]:
            claimed = (
                TechnicalHandIn.objects.filter(pk=row.pk, status__in=OWED)
                .exclude(reminded_for=row.due_on)
                .update(reminded_for=row.due_on)
            )
            if claimed:
                reminded += 1
                messages.append(
                    (
                        [row.duty.assignee],
                        _("%(what)s %(period)s is due on %(date)s")
                        % {
                            "what": row.duty.get_kind_display(),
                            "period": row.period_label,
                            "date": row.due_on.isoformat(),
                        },
                        _("Hand it in on the technical hand-ins page."),
                        _submit_url(row),
                    )
                )
        late = owed.filter(due_on__lt=today, late_reminded=False).order_by("due_on", "pk")[:1000]
        for row in late:
            claimed = TechnicalHandIn.objects.filter(
                pk=row.pk, status__in=OWED, late_reminded=False
            ).update(late_reminded=True)
            if claimed:
                messages.append(
                    (
                        [row.duty.assignee, *reviewers],
                        _("Late: %(what)s %(period)s of %(name)s (due %(date)s)")
                        % {
                            "what": row.duty.get_kind_display(),
                            "period": row.period_label,
                            "name": _name(row.duty.assignee),
                            "date": row.due_on.isoformat(),
                        },
                        _("It has not been handed in yet."),
                        _submit_url(row),
                    )
                )
        notify_many(messages)
    return {"reminded": reminded, "late": len(messages) - reminded}


def _submit_url(row) -> str:
    from django.urls import reverse

    return reverse("documents:handin_submit", args=[row.duty_id, row.period_start.isoformat()])
